"""Privacy: the notice at the question box, the privacy page, log masking and feedback retention.

``install_privacy(app, ctx)`` serves the page at ``/integritet`` and, while the app runs, masks
personal data in every log handler and deletes feedback older than
``settings.feedback_retention_days`` (at start and once a day). The page tells residents what is
stored, for how long and why, and where their questions are answered; when an external language
model is configured, it names the host the questions are sent to. A municipality can replace the
text with its own file (``STYRDOK_PRIVACY_PAGE``, HTML or Markdown), which is sanitised.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import nh3
from fastapi.responses import HTMLResponse

from assistant.pii import install_log_masking
from assistant.settings import Settings, SettingsError
from ui.feedback import FeedbackStore, purge_old_feedback, run_retention
from ui.render import html_text

if TYPE_CHECKING:
    import fastapi

    from ui.context import AppContext

PRIVACY_PATH = "integritet"
MAX_PAGE_BYTES = 512 * 1024
# Where LangChain's clients send questions when no base URL is set.
DEFAULT_ENDPOINTS = {"openai": "https://api.openai.com/v1", "ollama": "http://127.0.0.1:11434"}
PAGE_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
_ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}
_BODY = re.compile(r"<body\b[^>]*>(.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def llm_endpoint(settings: Settings) -> str | None:
    """``host`` or ``host:port`` a language model receives questions at; None without one."""
    url = settings.llm_base_url or DEFAULT_ENDPOINTS.get(settings.llm)
    if settings.llm not in DEFAULT_ENDPOINTS or not url:
        return None
    parts = urlsplit(url if "//" in url else "//" + url)
    host = parts.hostname or url
    try:
        port = parts.port
    except ValueError:
        port = None
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown  # never the user name or password of the URL


def external_llm_host(settings: Settings) -> str | None:
    """The LLM endpoint when it is on another machine than this server, else None."""
    endpoint = llm_endpoint(settings)
    if endpoint is None:
        return None
    host = urlsplit("//" + endpoint).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return endpoint


def notice_html(settings: Settings) -> str:
    """The short notice shown at the question box, linking to the privacy page."""
    external = external_llm_host(settings)
    where = (f"Frågorna skickas till en extern språkmodell hos {html_text(external)} för att "
             "besvaras." if external else "Frågorna besvaras på kommunens egen server.")
    return (
        '<p class="sd-notice" id="sd-privacy-notice"><strong>Skriv inte personuppgifter</strong>'
        " – till exempel namn, personnummer, adress eller telefonnummer – i frågan. "
        f'{where} <a href="{PRIVACY_PATH}" target="_blank" rel="noopener">Så hanterar vi '
        "dina uppgifter<span class=\"sd-sr\"> (öppnas i en ny flik)</span></a></p>"
    )


def load_custom_text(settings: Settings) -> str | None:
    """The municipality's own page text as sanitised HTML, or None when none is configured."""
    path = settings.privacy_page
    if path is None:
        return None
    path = Path(path)
    kind = PAGE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SettingsError(f"Integritetssidan {path} måste vara en HTML- eller Markdown-fil "
                            "(.html, .htm, .md eller .markdown).")
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SettingsError(f"Integritetssidan {path} är för stor ({size // 1024} kB); "
                                f"högst {MAX_PAGE_BYTES // 1024} kB.")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise SettingsError(f"Integritetssidan {path} finns inte. Kontrollera "
                            "STYRDOK_PRIVACY_PAGE.") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"Integritetssidan {path} är inte UTF-8-text. Spara den som "
                            "UTF-8 och försök igen.") from exc
    except OSError as exc:
        raise SettingsError(f"Integritetssidan {path} kan inte läsas: {exc.strerror}") from exc
    if kind == "markdown":
        from markdown_it import MarkdownIt

        text = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    else:
        body = _BODY.search(text)
        text = body.group(1) if body else text
    cleaned = nh3.clean(text, tags=_ALLOWED_TAGS).strip()
    if not cleaned:
        raise SettingsError(f"Integritetssidan {path} innehåller ingen text.")
    return cleaned


def _builtin_text(settings: Settings) -> str:
    days = settings.feedback_retention_days
    where = ("Frågorna tas emot på kommunens egen server, som söker fram svaret i styrdokumenten. "
             "Själva svaret formuleras av en extern språkmodell (se nedan)."
             if external_llm_host(settings) else
             "Frågorna besvaras på kommunens egen server, utifrån de styrdokument som finns där. "
             "De skickas inte vidare till någon annan.")
    return f"""<h1>Så hanterar Styrdok dina uppgifter</h1>
<p>Styrdok svarar på frågor om kommunens styrdokument. Tjänsten behöver inga uppgifter om dig.
<strong>Skriv inte personuppgifter</strong> – till exempel namn, personnummer, adress,
telefonnummer eller e-postadress – i frågor eller kommentarer.</p>
<h2>Var frågorna besvaras</h2>
<p>{where}</p>
<h2>Vad som sparas</h2>
<ul>
<li>När du bara ställer frågor sparas ingenting. Samtalet finns bara kvar medan sidan är öppen
och försvinner när du stänger den eller väljer <em>Ny konversation</em>.</li>
<li>När du svarar på om ett svar hjälpte dig sparas frågan, svaret, vilka dokument svaret
hänvisade till, ditt omdöme, din kommentar och tidpunkten.</li>
<li>Innan något sparas byts personnummer, samordningsnummer, e-postadresser och telefonnummer
ut mot [personnummer], [e-post] och [telefon]. Namn kan inte tas bort automatiskt, så skriv
inga namn.</li>
<li>Serverns loggar innehåller inte dina frågor, bara tekniska fel.</li>
</ul>
<h2>Hur länge</h2>
<p>Omdömen sparas i {days} dagar och raderas sedan automatiskt. Kommunens personal kan radera
alla omdömen tidigare.</p>
<h2>Varför</h2>
<p>Omdömena används bara för att förbättra tjänsten: för att se vilka frågor som inte får bra
svar och vilka dokument som saknas. Bara kommunens personal kan läsa dem.</p>
<h2>Frågor om personuppgifter</h2>
<p>Kontakta kommunen eller kommunens dataskyddsombud om du har frågor om hur kommunen behandlar
personuppgifter.</p>"""


def _llm_section(settings: Settings) -> str:
    external = external_llm_host(settings)
    if external is None:
        return ""
    return (
        '<section class="sd-external" aria-labelledby="sd-external-h"><h2 id="sd-external-h">'
        "Extern språkmodell</h2><p>Svaren formuleras av en språkmodell utanför kommunens server. "
        "Din fråga och utdrag ur styrdokumenten skickas till "
        f"<strong>{html_text(external)}</strong> ({html_text(settings.llm)}) för att besvaras. "
        "Skriv därför inget i frågan som du inte vill lämna till den tjänsten.</p></section>"
    )


_STYLE = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #0f172a; background: #ffffff; line-height: 1.55; }
.sd-page { max-width: 48rem; margin: 0 auto; padding: 1rem 1.2rem 2rem; }
.sd-header { border-bottom: 1px solid #cbd5e1; margin-bottom: 1rem; }
.sd-brand { font-size: 1.2rem; margin: 0.4rem 0 0.6rem; color: #334155; }
.sd-brand a { font-weight: 700; }
h1 { font-size: 1.7rem; margin: 0.4rem 0 0.8rem; }
h2 { font-size: 1.2rem; margin: 1.4rem 0 0.4rem; }
a { color: #1d4ed8; }
a:visited { color: #6d28d9; }
a:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
.sd-external { border-left: 5px solid #b45309; background: #fffbeb; color: #451a03;
  padding: 0.2rem 1rem; margin: 1.2rem 0; border-radius: 6px; }
.sd-external h2 { margin-top: 0.6rem; }
footer { margin-top: 2rem; border-top: 1px solid #cbd5e1; padding-top: 0.8rem; }
"""


def privacy_page_html(settings: Settings, custom_text: str | None = None) -> str:
    """The whole privacy page: the municipality's text (or the built-in one) and the LLM note."""
    body = custom_text if custom_text is not None else _builtin_text(settings)
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Personuppgifter – Styrdok</title>
<style>{_STYLE}</style>
</head>
<body>
<div class="sd-page">
<header class="sd-header"><p class="sd-brand"><a href="./">Styrdok</a> – fråga om kommunens
styrdokument</p></header>
<main>
{body}
{_llm_section(settings)}
</main>
<footer><a href="./">Tillbaka till frågorna</a></footer>
</div>
</body>
</html>
"""


def delete_all_feedback(store: FeedbackStore, confirmed: bool) -> tuple[str, bool]:
    """The staff tab's "Radera alla omdömen": only when confirmed. Returns the message and
    the new (cleared) state of the confirmation box."""
    if not confirmed:
        return ("Kryssa i rutan för att bekräfta att alla omdömen ska raderas. Inget har "
                "raderats."), False
    deleted = store.delete_all()
    return f"Raderade alla omdömen ({deleted} st).", False


def install_privacy(app: fastapi.FastAPI, ctx: AppContext) -> None:
    """Serve ``/integritet``; mask logs and run feedback retention while the app runs.

    The municipality's page file is read now, so a missing or unreadable one stops the start
    with a clear message instead of showing residents an error page.
    """
    settings = ctx.settings
    page = privacy_page_html(settings, load_custom_text(settings))

    @app.get(f"/{PRIVACY_PATH}", include_in_schema=False)
    def privacy_page() -> HTMLResponse:
        return HTMLResponse(page, headers=PAGE_HEADERS)

    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: Any) -> AsyncIterator[Any]:
        # Uvicorn sets up its log handlers after the app is built: mask them now.
        install_log_masking()
        days = settings.feedback_retention_days
        await asyncio.to_thread(purge_old_feedback, ctx.feedback, days)
        task = asyncio.create_task(run_retention(ctx.feedback, days))
        try:
            async with previous(running) as state:
                yield state
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    app.router.lifespan_context = lifespan
