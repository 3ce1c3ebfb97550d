"""HTML loader (trafilatura, lxml). Named ``webpage``, never mistaken for the stdlib ``html``."""

from __future__ import annotations

import functools
import re
from configparser import ConfigParser
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import use_config

from assistant.types import Document
from ingest.loaders.common import (
    META_KEYS,
    BlockBuilder,
    LoadError,
    build_document,
    list_line,
    one_line,
    yaml_mapping,
)

_HTML_INLINE = {
    "a", "abbr", "b", "br", "cite", "code", "em", "i", "img", "mark", "q", "s", "small",
    "span", "strong", "sub", "sup", "time", "u", "label", "data", "del", "ins", "kbd", "var",
    "hi",
}  # fmt: skip


def load_html(path: Path, data: bytes) -> Document:
    """HTML: main content found by trafilatura, walked into blocks.

    trafilatura drops menus, cookie banners, breadcrumbs, share tools ("Dela sidan"), side
    navigation and footers, also when a site marks them with nothing but class names (see
    docs/web.md for the comparison with the hand-written remover it replaced). Its HTML output
    keeps h1–h6, paragraphs, lists and tables, which become blocks (nested list items indented,
    first table row as header). Metadata is read from the original page: a YAML front matter
    block in an HTML comment, ``<meta name=doc_id|title|publisher|valid_from|valid_to|note>``,
    the canonical link; the title falls back to the first h1, then ``<title>`` without its
    " - Site name" suffix; the publisher falls back to the site's name (:func:`site_name`).
    """
    try:
        # UTF-8 first: without a charset declaration lxml would assume Latin-1.
        markup: str | bytes = data.decode("utf-8-sig")
        markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)  # lxml rejects str with one
    except UnicodeDecodeError:
        markup = data
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise LoadError(path, f"trasig HTML: {exc}") from exc
    raw_meta = _html_metadata(root, path)
    page_title = one_line(root.findtext(".//title") or "")
    page_title = re.sub(r"\s+[-–—|]\s+[^-–—|]+$", "", page_title) or page_title
    if not raw_meta.get("publisher") and (site := site_name(root)):
        # A municipality's page rarely names the municipality in its text: the site does
        # ("… - Ljungby kommun"), and scoping a question that names it needs to know.
        raw_meta["publisher"] = site

    main = trafilatura.extract(
        lxml.html.tostring(root, encoding="unicode"),
        config=_trafilatura_config(),
        output_format="xml",  # its HTML output loses <ol>; the XML keeps rend="ol"
        include_tables=True,
        include_formatting=True,
        include_comments=False,
        include_links=False,
        include_images=False,
        favor_recall=True,
        prune_xpath=PRUNE_XPATH,
    )
    builder = BlockBuilder()
    # trafilatura may take a lone h1 for the page title and leave it out of the main text.
    first_h1 = one_line(" ".join(root.xpath(_PAGE_H1)))
    content = _as_html(etree.fromstring(main.encode("utf-8"))) if main else None
    if first_h1 and (content is None or not content.xpath("//h1")):
        builder.heading(first_h1, 1)  # put back, so it heads the text as in the page
    if content is not None:
        _html_walk(content, builder)
        # ... and not also as a paragraph, which trafilatura makes of a lone heading.
        builder.blocks[:] = [
            b for b in builder.blocks if not (b.kind == "paragraph" and b.text == first_h1)
        ]
    return build_document(path, "html", builder, raw_meta, fallback_title=page_title or None)


def site_name(root: lxml.html.HtmlElement) -> str | None:
    """The site a page belongs to: ``og:site_name``, else the " - Site" suffix of its title
    ("Vision och mål - Ljungby kommun" -> "Ljungby kommun"), else None."""
    found = root.xpath("//meta[@property='og:site_name']/@content")
    if found and one_line(str(found[0])):
        return one_line(str(found[0]))
    title = one_line(root.findtext(".//title") or "")
    match = re.search(r"\s[-–—|]\s([^-–—|]+)$", title)
    return match.group(1).strip() if match else None


# The page's own h1: not a logo heading in the site header, navigation, sidebar or footer.
_PAGE_H1 = (
    "(//h1[not(ancestor::nav or ancestor::footer or ancestor::aside) and "
    "not(ancestor::header[not(ancestor::main or ancestor::article)])])[1]//text()"
)


def _as_html(doc: etree._Element) -> lxml.html.HtmlElement:
    """trafilatura's XML (head rend=h2, list rend=ol, item, row, cell role=head) as HTML."""
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        rend = element.get("rend", "")
        if element.tag == "head":
            element.tag = rend if re.fullmatch(r"h[1-6]", rend) else "h2"
        elif element.tag == "list":
            element.tag = "ol" if rend == "ol" else "ul"
        elif element.tag == "cell":
            element.tag = "th" if element.get("role") == "head" else "td"
        else:
            element.tag = _XML_TO_HTML.get(element.tag, element.tag)
    return lxml.html.fromstring(etree.tostring(doc, encoding="unicode"))


_XML_TO_HTML = {
    "doc": "div", "main": "div", "item": "li", "row": "tr", "hi": "span", "lb": "br",
    "ref": "a", "quote": "blockquote", "graphic": "span", "del": "span",
}  # fmt: skip

# Widgets trafilatura keeps when they sit inside the main content: share tools ("Dela sidan")
# and "Was this page helpful?" boxes, as Swedish municipal sites (Sitevision) mark them.
PRUNE_XPATH = [
    "//*[contains(@class, 'share') or contains(@class, 'dela-') or contains(@id, 'share')]",
    "//*[contains(@class, 'feedback') or contains(@class, 'rating')]",
    "//*[./*[self::h2 or self::h3 or self::h4 or self::p or self::span]"
    "[normalize-space() = 'Dela sidan' or normalize-space() = 'Dela denna sida']]",
]


@functools.cache
def _trafilatura_config() -> ConfigParser:
    """trafilatura's defaults, but short pages (a one-paragraph decision) are kept as they are
    rather than handed to its whole-page text fallback, which loses the structure."""
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")
    return config


def _html_metadata(root: lxml.html.HtmlElement, path: Path) -> dict[str, object]:
    raw: dict[str, object] = {}
    comments = [*root.itersiblings(preceding=True), *root.iter(etree.Comment)]
    for comment in comments:
        match = isinstance(comment, etree._Comment) and re.match(
            r"\s*---\s*\n(.*?)\n---\s*$", comment.text or "", re.DOTALL
        )
        if match:
            raw.update(yaml_mapping(match.group(1), path, "front matter i HTML-kommentaren"))
            break
    for meta in root.xpath("//meta[@name and @content]"):
        raw.setdefault(meta.get("name").strip().lower(), meta.get("content"))
    canonical = root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    if canonical:
        raw.setdefault("url", str(canonical[0]))
    return {k: v for k, v in raw.items() if k in META_KEYS}


def _html_walk(element: lxml.html.HtmlElement, builder: BlockBuilder) -> None:
    loose: list[str] = [element.text or ""]

    def flush_loose() -> None:
        builder.paragraph(one_line(" ".join(loose)))
        loose.clear()

    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag:
            pass  # comments and processing instructions
        elif tag in _HTML_INLINE:
            loose.append("\n" if tag == "br" else child.text_content())
        else:
            flush_loose()
            if re.fullmatch(r"h[1-6]", tag):
                builder.heading(child.text_content(), int(tag[1]))
            elif tag == "p":
                builder.paragraph(one_line(child.text_content()))
            elif tag in ("ul", "ol"):
                builder.list_block(_html_list_lines(child))
            elif tag == "table":
                rows = child.xpath("./thead/tr | ./tbody/tr | ./tr | ./tfoot/tr")
                builder.table([[c.text_content() for c in r.xpath("./th | ./td")] for r in rows])
            elif tag == "pre":
                builder.paragraph(child.text_content())
            else:
                _html_walk(child, builder)
        loose.append(child.tail or "")
    flush_loose()


def _html_list_lines(element: lxml.html.HtmlElement, depth: int = 0) -> list[str]:
    ordered = element.tag.lower() == "ol"
    number = int(element.get("start", "1")) if (element.get("start") or "").isdigit() else 1
    lines: list[str] = []
    for item in element.xpath("./li"):
        own, nested = [item.text or ""], []
        for child in item:
            if isinstance(child.tag, str) and child.tag.lower() in ("ul", "ol"):
                nested.extend(_html_list_lines(child, depth + 1))
            elif isinstance(child.tag, str):
                own.append(child.text_content())
            own.append(child.tail or "")
        lines.append(list_line(" ".join(own), number if ordered else None, depth))
        lines.extend(nested)
        number += 1
    return lines
