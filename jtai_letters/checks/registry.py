"""The registry of every problem the tool reports: its rule id, its severity, what it catches in one line.

Declared once here, read by everything else: `Problem` takes its severity from it
(a call site names a severity only for a rule registered as `varies`), the JSON
output carries the ids, and the README's rule table is generated from it
(`rule_table`). `RuleId` is the type of `Problem.rule`, so mypy proves every id
a check emits is one of these; a test proves each has its `Rule`.

This module imports nothing of the package but the vocabulary (the law's constants): every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jtai_letters.spec.vocabulary import DEADLINE_DAYS, S55_5A_COMMENCEMENT, spelled

Severity = Literal["error", "warning"]

RuleId = Literal[
    "s55-deadline",
    "s55-unanswered",
    "s55-copies",
    "s55-not-applicable",
    "recommendation-count",
    "body-placement",
    "s55-unknown-id",
    "s55-duplicate",
    "s55-chief-constable",
    "names",
    "date-order",
    "text-cut",
    "text-layout",
    "grade",
    "link-target",
    "link-text",
    "link-words",
    "placeholder",
    "character",
    "sign-off",
    "update-order",
    "update-future",
    "draft",
    "update-status",
    "translation",
    "parity",
    "language-order",
    "register",
    "font",
    "layout",
    "layout-requires",
    "layout-field",
    "template",
    "css",
    "printing",
    "asset",
    "profile",
    "schema",
    "yaml",
    "docx",
    "absorb",
    "internal",
    "usage",
]


@dataclass(frozen=True)
class Rule:
    """One kind of problem: its stable id, its severity and what it catches, in one line.

    `severity` is "varies" for a rule with both kinds (its one line says which is which);
    each of its problems then names its own.
    """

    id: RuleId
    severity: Severity | Literal["varies"]
    what: str

    @property
    def shown(self) -> str:
        """The severity as the rule table shows it."""
        return "error / warning" if self.severity == "varies" else self.severity


RULES: dict[RuleId, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "s55-deadline",
            "warning",
            f"response dated after the last day: publication + {DEADLINE_DAYS - 1} days (4 Feb 2020 -> 30 Mar 2020); "
            f"none for reports published before {spelled(S55_5A_COMMENCEMENT)}",
        ),
        Rule(
            "s55-unanswered",
            "varies",
            "a recommendation or area for improvement has no response (a warning for reports published before "
            f"s55(5B) came into force on {spelled(S55_5A_COMMENCEMENT)}, and for causes of concern)",
        ),
        Rule(
            "s55-copies",
            "warning",
            "no copies recorded, or none to the inspectors of constabulary or to the Secretary of State (usual "
            "spellings count: HMICFRS, HM Inspectorate of Constabulary..., Home Secretary, Secretary of State): "
            "s55(6) sends them to both",
        ),
        Rule("s55-not-applicable", "warning", "an answer saying the recommendation does not apply also lists actions"),
        Rule(
            "recommendation-count",
            "varies",
            "recommendation_count below the recommendations listed (error), or above them (warning)",
        ),
        Rule(
            "body-placement",
            "varies",
            "response.body places an answer or the chief constable's comments never or twice, an unknown id, or a "
            "part the spec lacks (errors); leaves a part of the spec unprinted (warning)",
        ),
        Rule("s55-unknown-id", "error", "a response names an id the report does not list"),
        Rule("s55-duplicate", "error", "a recommendation or area for improvement is answered twice"),
        Rule("s55-chief-constable", "warning", "neither the chief constable's comments nor why there are none"),
        Rule(
            "names",
            "warning",
            "a name that starts with its role's words (printed twice: 'Chief Constable Sam Okafor, Chief Constable'), "
            "or a sign-off in the commissioner's role under another name than office.commissioner",
        ),
        Rule(
            "date-order",
            "varies",
            "inspection ends after publication, response before publication (errors); "
            "an action, wherever it is listed, due before the response (warning)",
        ),
        Rule(
            "text-cut",
            "warning",
            "text without quotes that a ' #' on its line cuts short: YAML reads the rest of the line as a comment, "
            "so it is left out of the letter",
        ),
        Rule(
            "text-layout",
            "warning",
            "a line straight after a bullet that would join it, a line starting '-word' that prints its dash, or "
            "paragraphs pasted one a line that print as one (every line ends a sentence and the next starts one, "
            "with a line over 100 characters or three lines or more: text wrapped by hand is left alone)",
        ),
        Rule(
            "grade",
            "error",
            "a PEEL judgement's grade that is not outstanding, good, adequate, requires improvement or inadequate",
        ),
        Rule("link-target", "warning", "a link in text that is not absolute http(s)/mailto: shown as its words only"),
        Rule("link-text", "warning", 'link words that do not say where they go ("here", "click here")'),
        Rule("link-words", "error", "a link without words (`[](https://...)`): it prints nothing, or an empty link"),
        Rule(
            "placeholder",
            "error",
            "unfinished text: TODO, TBC, T.B.C., TBA, FIXME, XX, `[insert ...]`, lorem ipsum, "
            '"to be confirmed" standing alone',
        ),
        Rule("character", "error", "control characters a Word document cannot hold"),
        Rule(
            "sign-off",
            "varies",
            "sign-off steps out of order, twice, before the report, after today (--as-of), or published without "
            "approval (errors); published after the s55 deadline (warning)",
        ),
        Rule("update-order", "error", "a progress update dated before the response, or before the update above it"),
        Rule(
            "update-future",
            "warning",
            "a progress update dated after the --as-of date (default today); from validate, register, progress "
            "and deadlines only: letters never read the clock",
        ),
        Rule(
            "draft",
            "warning",
            "deadlines only: a spec not yet valid, put on the calendar with its s55 deadline alone",
        ),
        Rule(
            "update-status",
            "error",
            "superseded without superseded_by (or superseded_by with another status), not applicable without "
            "a note saying why",
        ),
        Rule(
            "translation",
            "varies",
            "a bilingual letter's text missing in one language (error); text in a language the letter is not in, "
            "a sentence the layout makes that will print in English in a Welsh letter, or ordinal dates asked of a "
            "Welsh letter (warnings)",
        ),
        Rule(
            "parity",
            "error",
            "a bilingual letter's two texts of one field differ in shape: paragraphs, headings, lists and their "
            "items, tables, or links and their targets; names the first difference",
        ),
        Rule(
            "language-order",
            "warning",
            "a letter in Welsh and English that puts English first without `office.english_first: true` saying "
            "the office means it (the guidance on the Welsh Language Standards reads parity as Welsh first); "
            "`english_first` beside a language that puts Welsh first, where it does nothing",
        ),
        Rule(
            "register",
            "warning",
            "text longer than an Excel cell holds (32,767 characters): the xlsx register has its start",
        ),
        Rule("font", "warning", "characters the PDF's fonts cannot draw (printed as empty boxes); names the script"),
        Rule("layout", "error", "no such layout in the templates folder"),
        Rule("layout-requires", "error", "a field the layout needs (as `templates/layouts.yaml` declares) is missing"),
        Rule("layout-field", "warning", "a field the layout never prints is set (fields kept for the record excepted)"),
        Rule("template", "error", "the layout's template failed while making the letter (found by a dry render)"),
        Rule(
            "css",
            "warning",
            "a property or value in the layout's stylesheet that the PDF writer ignores (found before printing)",
        ),
        Rule(
            "printing",
            "warning",
            "what the PDF writer reported while printing the letter (`while printing: ...`): something it left out",
        ),
        Rule("asset", "error", "a logo or signature that is missing, outside its folder, or not really a PNG/JPEG"),
        Rule("profile", "error", "the office profile cannot be found or read"),
        Rule("schema", "error", "the spec or profile does not match the schema (or is not UTF-8 text)"),
        Rule("yaml", "error", "not readable YAML: syntax, duplicate keys, tabs, limits; with the likely fix"),
        Rule("docx", "error", "the Word writer met HTML it cannot set out faithfully"),
        Rule(
            "absorb",
            "varies",
            "an edited DOCX cannot come back into its spec, or part of it cannot be mapped (errors); formatting "
            "Markdown cannot say, dropped (warnings)",
        ),
        Rule("internal", "error", "an unexpected fault, or a letter over its time limit: that letter alone fails"),
        Rule("usage", "error", "the command line named something that does not exist (exit code 2)"),
    )
}


def severity_of(rule: RuleId, given: Severity | None) -> Severity:
    """The severity of a problem of `rule`: the registry's, or `given` for a rule whose severity varies.

    >>> severity_of("placeholder", None), severity_of("translation", "warning")
    ('error', 'warning')
    >>> severity_of("placeholder", "warning")
    Traceback (most recent call last):
    ValueError: rule 'placeholder' is always an error (see RULES); its call site names none
    """
    registered = RULES[rule].severity
    if registered == "varies":
        if given is None:
            raise ValueError(f"rule {rule!r} varies in severity (see RULES): its call site must say which")
        return given
    if given is not None:
        article = "an" if registered == "error" else "a"
        raise ValueError(f"rule {rule!r} is always {article} {registered} (see RULES); its call site names none")
    return registered


def rule_table() -> str:
    """The README's rule table, generated from `RULES`."""
    rows = ["| rule | severity | what |", "| --- | --- | --- |"]
    rows += [f"| `{r.id}` | {r.shown} | {r.what} |" for r in RULES.values()]
    return "\n".join(rows) + "\n"
