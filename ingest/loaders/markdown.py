"""Markdown loader: python-frontmatter for metadata, markdown-it-py for structure."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from assistant.types import Document
from ingest.loaders.common import (
    BlockBuilder,
    LoadError,
    build_document,
    decode_utf8,
    list_line,
    yaml_problem,
)


def load_markdown(path: Path, data: bytes) -> Document:
    """Markdown: python-frontmatter for metadata, markdown-it-py (CommonMark + tables) for
    structure. Headings, paragraphs, bullet/ordered lists (nested items indented), tables
    (header row on every row) and code blocks become blocks; HTML blocks and comments are
    dropped, inline markup is reduced to its text."""
    text = decode_utf8(path, data)
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2020-13-01
        raise LoadError(path, f"trasig front matter (YAML): {yaml_problem(exc)}") from exc
    builder = BlockBuilder()
    tree = SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(post.content))
    _markdown_walk(tree.children, builder)
    return build_document(path, "md", builder, dict(post.metadata))


def _markdown_walk(nodes: Sequence[SyntaxTreeNode], builder: BlockBuilder) -> None:
    for node in nodes:
        if node.type == "heading":
            builder.heading(_markdown_inline(node), int(node.tag[1]))
        elif node.type == "paragraph":
            builder.paragraph(_markdown_inline(node))
        elif node.type in ("bullet_list", "ordered_list"):
            builder.list_block(_markdown_list_lines(node))
        elif node.type == "table":
            rows = [tr for section in node.children for tr in section.children]
            builder.table([[_markdown_inline(cell) for cell in tr.children] for tr in rows])
        elif node.type in ("fence", "code_block"):
            builder.paragraph(node.content)
        elif node.type == "blockquote":
            _markdown_walk(node.children, builder)


def _markdown_inline(node: SyntaxTreeNode) -> str:
    parts = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type != "html_inline":
            parts.append(_markdown_inline(child))
    return "".join(parts)


def _markdown_list_lines(node: SyntaxTreeNode, depth: int = 0) -> list[str]:
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1)) if ordered else None
    lines: list[str] = []
    for item in node.children:
        own = [_markdown_inline(c) for c in item.children if c.type == "paragraph"]
        lines.append(list_line(" ".join(own), number, depth))
        for child in item.children:
            if child.type in ("bullet_list", "ordered_list"):
                lines.extend(_markdown_list_lines(child, depth + 1))
        number = number + 1 if number is not None else None
    return lines
