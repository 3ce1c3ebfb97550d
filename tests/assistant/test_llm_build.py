"""build_generator / build_chat_model: choosing and configuring generators, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.generation import GeneratorError
from assistant.llm import SYSTEM_PROMPT, LLMGenerator, build_chat_model, build_generator
from assistant.llm_local import TransformersChatModel, bundled_gguf
from assistant.settings import Settings


def settings(**overrides: object) -> Settings:
    return Settings.from_env(environ={}, **overrides)


def test_unknown_generator_lists_the_choices() -> None:
    with pytest.raises(GeneratorError, match="extractive, openai, ollama, transformers"):
        build_generator(settings(llm="gpt"))


def test_missing_gguf_file_is_a_swedish_error(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError, match="finns inte"):
        build_generator(settings(llm="transformers", llm_model=str(tmp_path / "saknas.gguf")))


def test_folder_without_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError, match="ingen modell"):
        build_generator(settings(llm="transformers", llm_model=str(tmp_path)))


def test_hub_name_not_in_local_cache_explains_offline_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    generator = build_generator(settings(llm="transformers", llm_model="nobody/no-such-model"))
    with pytest.raises(GeneratorError, match="laddas aldrig ner"):
        generator.generate("Fråga?", [], "sv")


def test_transformers_defaults_to_the_bundled_smollm2() -> None:
    generator = build_generator(settings(llm="transformers"))
    assert isinstance(generator, LLMGenerator)
    assert isinstance(generator.chat_model, TransformersChatModel)
    gguf = bundled_gguf()
    assert gguf is not None and generator.chat_model.gguf_file == gguf.name
    assert generator.name == f"transformers:{gguf.name}"


def test_openai_uses_base_url_and_key_without_contacting_anything() -> None:
    from langchain_openai import ChatOpenAI

    model = build_chat_model(
        settings(llm="openai", llm_model="m", llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k")
    )
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://127.0.0.1:9/v1" and model.model_name == "m"
    assert model.openai_api_key is not None and model.openai_api_key.get_secret_value() == "k"


def test_openai_key_falls_back_to_openai_api_key_variable() -> None:
    env = {"OPENAI_API_KEY": "sk-env", "STYRDOK_LLM": "openai"}
    assert Settings.from_env(environ=env).llm_api_key == "sk-env"
    env["STYRDOK_LLM_API_KEY"] = "sk-styrdok"
    assert Settings.from_env(environ=env).llm_api_key == "sk-styrdok"


def test_openai_without_key_or_base_url_is_an_error() -> None:
    with pytest.raises(GeneratorError, match="API-nyckel"):
        build_chat_model(settings(llm="openai", llm_model="gpt-4o-mini"))


def test_ollama_needs_a_model_name() -> None:
    with pytest.raises(GeneratorError, match="--llm-model"):
        build_chat_model(settings(llm="ollama"))


def test_ollama_builds_chat_ollama_with_base_url() -> None:
    from langchain_ollama import ChatOllama

    model = build_chat_model(
        settings(llm="ollama", llm_model="llama3.1", llm_base_url="http://127.0.0.1:11434")
    )
    assert isinstance(model, ChatOllama)
    assert model.model == "llama3.1" and model.base_url == "http://127.0.0.1:11434"


def test_answer_length_threads_and_timeout_reach_every_llm() -> None:
    """STYRDOK_LLM_MAX_TOKENS / _THREADS / _TIMEOUT configure each backend's own parameter."""
    env = {"STYRDOK_LLM_MAX_TOKENS": "200", "STYRDOK_LLM_THREADS": "2",
           "STYRDOK_LLM_TIMEOUT": "30", "STYRDOK_LLM_MODEL": "m",
           "STYRDOK_LLM_BASE_URL": "http://127.0.0.1:9/v1"}
    openai = build_chat_model(Settings.from_env(environ={**env, "STYRDOK_LLM": "openai"}))
    assert openai.max_tokens == 200 and openai.request_timeout == 30
    ollama = build_chat_model(Settings.from_env(environ={**env, "STYRDOK_LLM": "ollama"}))
    assert ollama.num_predict == 200 and ollama.num_thread == 2
    assert ollama.client_kwargs == {"timeout": 30}
    local = build_chat_model(settings(llm="transformers", llm_max_tokens=200, llm_threads=2))
    assert isinstance(local, TransformersChatModel)
    assert local.max_new_tokens == 200 and local.threads == 2


@pytest.mark.parametrize(("name", "value"), [("llm_max_tokens", 0), ("llm_threads", -1),
                                             ("llm_timeout", 0.0)])
def test_llm_limits_out_of_range_are_refused(name: str, value: object) -> None:
    from assistant.settings import SettingsError

    with pytest.raises(SettingsError, match=name):
        settings(**{name: value})


def test_the_system_prompt_names_no_municipality() -> None:
    """The index may hold any municipality's or region's documents (and several at once): a
    prompt that called them one municipality's would invite the model to mix them up."""
    assert "Ljungby" not in SYSTEM_PROMPT
    assert "styrdokument från kommuner och regioner" in SYSTEM_PROMPT
