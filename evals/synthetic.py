"""Deterministic synthetic Swedish governance documents and questions, for scale tests.

Each document is a Markdown guideline ("riktlinje") for one municipal topic in one locality,
with a few short sections (about 40 words each, so one chunk per section). Each question asks
for a fact stated in exactly one document, so ``reference_doc_ids`` is known.

    python -m evals.synthetic --docs 500 --questions 500 --out /tmp/syn
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

TOPICS: tuple[tuple[str, str], ...] = (
    ("snöröjning", "tekniska nämnden"),
    ("skolskjuts", "barn- och utbildningsnämnden"),
    ("hemtjänst", "omsorgsnämnden"),
    ("biblioteksverksamhet", "kultur- och fritidsnämnden"),
    ("gång- och cykelvägar", "tekniska nämnden"),
    ("förskoleplatser", "barn- och utbildningsnämnden"),
    ("avfallshantering", "tekniska nämnden"),
    ("vatten och avlopp", "tekniska nämnden"),
    ("livsmedelskontroll", "miljö- och byggnämnden"),
    ("bygglovshantering", "miljö- och byggnämnden"),
    ("föreningsbidrag", "kultur- och fritidsnämnden"),
    ("integration", "kommunstyrelsen"),
    ("näringslivsservice", "kommunstyrelsen"),
    ("räddningstjänst", "räddningsnämnden"),
    ("kollektivtrafik", "kommunstyrelsen"),
    ("bredbandsutbyggnad", "kommunstyrelsen"),
    ("energirådgivning", "miljö- och byggnämnden"),
    ("folkhälsoarbete", "kommunstyrelsen"),
    ("feriepraktik", "arbetsmarknadsnämnden"),
    ("vuxenutbildning", "arbetsmarknadsnämnden"),
    ("LSS-boenden", "omsorgsnämnden"),
    ("färdtjänst", "omsorgsnämnden"),
    ("naturvård", "miljö- och byggnämnden"),
    ("lekplatser", "tekniska nämnden"),
    ("gatubelysning", "tekniska nämnden"),
    ("idrottsanläggningar", "kultur- och fritidsnämnden"),
    ("krisberedskap", "kommunstyrelsen"),
    ("digitala tjänster", "kommunstyrelsen"),
    ("skolmåltider", "barn- och utbildningsnämnden"),
    ("besöksnäring", "kultur- och fritidsnämnden"),
)
PLACES = (
    "Lagan", "Ryssby", "Lidhult", "Agunnaryd", "Bolmen", "Kånna", "Vittaryd", "Dörarp",
    "Angelstad", "Torpa", "Hamneda", "Annerstad", "Tutaryd", "Södra Ljunga", "Bolmsö",
    "Tannåker", "Odensjö", "Berga", "Össjöa", "Ljungby centrum",
)
FREQUENCIES = ("varje månad", "varje kvartal", "två gånger per år", "en gång per år",
               "vartannat år")
REPORTS = ("årsredovisningen", "delårsrapporten", "nämndens verksamhetsberättelse",
           "kommunens hållbarhetsredovisning")
ROLES = ("enhetschefen", "verksamhetsutvecklaren", "kvalitetssamordnaren", "förvaltningschefen",
         "miljöstrategen", "projektledaren")
GOALS = ("nöjdheten bland invånarna", "andelen ärenden som avgörs inom fyra veckor",
         "andelen fossilfria transporter", "tillgängligheten för personer med funktionsnedsättning",
         "andelen digitala ansökningar", "deltagandet bland unga")
FILLER = (
    "Arbetet sker i dialog med invånare, föreningar och företag i {place}.",
    "Riktlinjen bidrar till visionen om 35 000 invånare år 2035.",
    "Insatserna för {topic} prioriteras utifrån behov, säkerhet och kostnad.",
    "Synpunkter från invånarna tas emot via kommunens kontaktcenter och e-tjänster.",
    "Resultaten redovisas öppet så att alla kan följa utvecklingen i {place}.",
    "Samverkan med regionen och grannkommunerna stärker arbetet med {topic}.",
    "Åtgärderna ska vara långsiktigt hållbara, ekonomiskt, socialt och ekologiskt.",
    "Personalen får utbildning så att arbetet med {topic} håller jämn kvalitet.",
    "Avvikelser dokumenteras och används för att förbättra verksamheten.",
    "Kostnaderna ryms inom nämndens budgetram för året.",
)


@dataclass(frozen=True)
class SyntheticDoc:
    doc_id: str
    title: str
    topic: str
    place: str
    board: str
    year: int
    target: int
    goal: str
    frequency: str
    report: str
    role: str
    sections: tuple[tuple[str, str], ...]

    def markdown(self) -> str:
        body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in self.sections)
        return (f"---\ntitle: \"{self.title}\"\ndoc_id: {self.doc_id}\n"
                f"note: \"Syntetiskt testdokument, inte ett kommunalt beslut.\"\n---\n\n{body}\n")


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _filler(rng: random.Random, topic: str, place: str, words: int) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(rng.choice(FILLER).format(topic=topic, place=place))
    return " ".join(sentences)


def make_document(number: int, rng: random.Random, sections: int = 4) -> SyntheticDoc:
    """Document ``number``: topic and locality cycle so the first 600 are all distinct."""
    topic, board = TOPICS[number % len(TOPICS)]
    place = PLACES[(number // len(TOPICS)) % len(PLACES)]
    round_ = number // (len(TOPICS) * len(PLACES))
    title = f"Riktlinje för {topic} i {place}" + (f", del {round_ + 1}" if round_ else "")
    year, target = rng.randint(2026, 2035), rng.randint(50, 99)
    goal, frequency = rng.choice(GOALS), rng.choice(FREQUENCIES)
    report, role = rng.choice(REPORTS), rng.choice(ROLES)
    parts = [
        ("Syfte", f"Riktlinjen beskriver hur Ljungby kommun arbetar med {topic} i {place}. "
                  + _filler(rng, topic, place, 25)),
        ("Ansvar", f"Det är {board} som ansvarar för {topic} i {place}. Det dagliga arbetet "
                   f"leds av {role}. " + _filler(rng, topic, place, 20)),
        ("Mål", f"Målet är att {goal} ska nå {target} procent senast år {year}. "
                + _filler(rng, topic, place, 22)),
        ("Uppföljning", f"Arbetet med {topic} i {place} följs upp {frequency} och redovisas i "
                        f"{report}. " + _filler(rng, topic, place, 22)),
    ]
    if sections == 1:  # one short chunk per document: every fact, no filler
        parts = [("Riktlinje", f"Riktlinjen beskriver hur Ljungby kommun arbetar med {topic} i "
                  f"{place}. Det är {board} som ansvarar för {topic} i {place}, och det dagliga "
                  f"arbetet leds av {role}. Målet är att {goal} ska nå {target} procent senast "
                  f"år {year}. Arbetet följs upp {frequency} och redovisas i {report}.")]
    for extra in range(max(0, sections - len(parts))):
        parts.append((f"Åtgärd {extra + 1}", _filler(rng, topic, place, 40)))
    return SyntheticDoc(
        doc_id=f"syn-{number:05d}-{slug(topic)}-{slug(place)}", title=title, topic=topic,
        place=place, board=board, year=year, target=target, goal=goal, frequency=frequency,
        report=report, role=role, sections=tuple(parts[:max(sections, 1)]),
    )


def make_documents(n_docs: int, *, sections: int = 4, seed: int = 0) -> list[SyntheticDoc]:
    rng = random.Random(seed)
    return [make_document(i, rng, sections) for i in range(n_docs)]


def write_corpus(docs: list[SyntheticDoc], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (folder / f"{doc.doc_id}.md").write_text(doc.markdown(), encoding="utf-8")
    return folder


def make_question(doc: SyntheticDoc, variant: int, number: int) -> dict[str, object]:
    """A test case (JSONL format) whose answer is stated in ``doc`` alone."""
    templates = [
        (f"Vilken nämnd ansvarar för {doc.topic} i {doc.place}?", [[doc.board]],
         f"{doc.board.capitalize()} ansvarar för {doc.topic} i {doc.place}.", "ansvar"),
        (f"Vilket år ska målet för {doc.topic} i {doc.place} vara nått?", [[str(doc.year)]],
         f"Målet ska vara nått senast år {doc.year}.", "mal"),
        (f"Hur ofta följs arbetet med {doc.topic} i {doc.place} upp?", [[doc.frequency]],
         f"Det följs upp {doc.frequency} och redovisas i {doc.report}.", "uppfoljning"),
    ]
    question, groups, reference, tag = templates[variant % len(templates)]
    if ", del " in doc.title:
        question += f" ({doc.title})"
    return {
        "id": f"syn-{number:05d}", "question": question,
        "persona": ("resident", "staff", "evaluator")[number % 3], "answerable": True,
        "reference_answer": reference, "must_include": groups, "must_not_include": [],
        "reference_doc_ids": [doc.doc_id], "tags": ["synthetic", tag],
    }


def make_eval_set(out: Path, *, docs: int = 500, questions: int = 500, sections: int = 4,
                  seed: int = 0) -> tuple[Path, Path]:
    """Write ``out/corpus/*.md`` and ``out/testset.jsonl``; returns both paths."""
    documents = make_documents(docs, sections=sections, seed=seed)
    corpus = write_corpus(documents, Path(out) / "corpus")
    rng = random.Random(seed + 1)
    order = list(range(len(documents)))
    rng.shuffle(order)
    lines = []
    for number in range(questions):
        doc = documents[order[number % len(order)]]
        lines.append(json.dumps(make_question(doc, number // len(order) + number, number),
                                ensure_ascii=False))
    testset = Path(out) / "testset.jsonl"
    testset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus, testset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Skapa en syntetisk korpus och testmängd.")
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--sections", type=int, default=4,
                        help="avsnitt (≈ chunkar) per dokument; 1 = ett kort med alla fakta")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    corpus, testset = make_eval_set(args.out, docs=args.docs, questions=args.questions,
                                    sections=args.sections, seed=args.seed)
    print(f"Korpus: {corpus}\nTestmängd: {testset}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
