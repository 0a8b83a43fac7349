"""The ``matcher`` command line: a thin click layer over the library."""
from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import config
from .errors import MatcherError
from .index import Filters, TrialIndex, index_exists
from .models import Trial


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def index_option(func: Callable) -> Callable:
    """``--index DIR`` for every command; defaults to $MATCHER_INDEX or the per-user location."""

    @click.option(
        "--index",
        "index_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Index directory (default: $MATCHER_INDEX, else ~/.local/share/matcher/index).",
    )
    @functools.wraps(func)
    def wrapper(*args, index_path: Path | None, **kwargs):
        kwargs["index_path"] = index_path or config.default_index_path()
        kwargs["index_given"] = index_path is not None
        return func(*args, **kwargs)

    return wrapper


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


class _Progress:
    """A progress display on a terminal's stderr; silent when piped."""

    def __init__(self, label: str):
        self.enabled = sys.stderr.isatty()
        self.label = label
        self._progress = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=None)
        return self

    def advance(self, *_: object) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _run_ingest(sources: list[str], index_path: Path, update: bool) -> "object":
    from .ingest import ingest

    with _Progress("Indexing trials") as progress:
        return ingest(sources, index_path, update=update, on_trial=progress.advance)


def _open(index_path: Path, index_given: bool) -> TrialIndex:
    """Open the index; build the default one from the bundled corpus on first use."""
    if not index_exists(index_path):
        if index_given:
            raise click.ClickException(
                f"no index at {index_path}; build it with `matcher index SOURCE --index {index_path}`"
            )
        corpus = config.default_corpus_path()
        if not corpus.exists():
            raise click.ClickException(
                f"no index at {index_path} and no bundled corpus at {corpus}; run `matcher index SOURCE`"
            )
        click.echo(f"Building the default index at {index_path} from {corpus} (first use)...", err=True)
        report = _run_ingest([str(corpus)], index_path, update=False)
        click.echo(f"Indexed {report.indexed} trials.", err=True)
    try:
        return TrialIndex(index_path)
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None


def _load_patient(text: str | None, patient_file: Path | None):
    from .patient import PatientError, read_patient

    form = None
    if patient_file is not None:
        try:
            raw = patient_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"cannot read {patient_file}: {exc}") from None
        if patient_file.suffix.lower() == ".json":
            try:
                form = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{patient_file} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
        else:
            text = f"{text}\n{raw}" if text else raw
    if text is None and form is None:
        raise click.UsageError("describe the patient: give TEXT or --patient-file FILE (.txt or .json)")
    try:
        return read_patient(text, form)
    except PatientError as exc:
        raise click.ClickException(f"patient {exc}") from None


def patient_options(func: Callable) -> Callable:
    return click.option(
        "--patient-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Patient description: .txt (free text) or .json (form fields; see README).",
    )(func)


@click.group()
@click.version_option(package_name="matcher")
def cli() -> None:
    """Match patients to clinical trials, criterion by criterion."""


@cli.command("index")
@click.argument("sources", nargs=-1, type=click.Path(path_type=str))
@index_option
@click.option("--rebuild", is_flag=True, help="Replace the whole index instead of adding to it.")
def index_cmd(sources: tuple[str, ...], index_path: Path, index_given: bool, rebuild: bool) -> None:
    """Index trial records from SOURCE files, directories or archives.

    Without SOURCE, index the bundled default corpus. Trials already in the
    index are replaced by NCT id, others are kept (unless --rebuild).
    """
    paths = list(sources) or [str(config.default_corpus_path())]
    try:
        report = _run_ingest(paths, index_path, update=not rebuild)
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
    if report.build is None:
        raise click.ClickException(f"nothing indexed: all {len(report.skipped)} record(s) skipped")
    build = report.build
    click.echo(
        f"Indexed {build.indexed} trials ({build.criteria} criteria) in {build.seconds:.1f} s; "
        f"{len(report.skipped)} skipped; the index at {index_path} now holds {build.total} trials."
    )


def filter_options(func: Callable) -> Callable:
    for option in reversed([
        click.option("--status", multiple=True, help="Keep trials with this overall status (e.g. recruiting). Repeatable."),
        click.option("--phase", multiple=True, help="Keep trials of this phase (e.g. phase2). Repeatable."),
        click.option("--country", multiple=True, help="Keep trials with a site in this country. Repeatable."),
        click.option("--study-type", multiple=True, help="Keep trials of this type (interventional, observational)."),
    ]):
        func = option(func)
    return func


def _filters(status, phase, country, study_type) -> Filters:
    return Filters(status=list(status), phase=list(phase), country=list(country), study_type=list(study_type))


@cli.command()
@click.argument("text", required=False)
@patient_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Number of results.")
@filter_options
@index_option
@json_option
def search(
    text: str | None,
    patient_file: Path | None,
    top: int,
    status: tuple[str, ...],
    phase: tuple[str, ...],
    country: tuple[str, ...],
    study_type: tuple[str, ...],
    index_path: Path,
    index_given: bool,
    as_json: bool,
) -> None:
    """Find the best trials for a patient described by TEXT (or --patient-file).

    Trials are retrieved from the patient's facts, filtered by their age and
    sex, judged criterion by criterion and ranked: eligible first, failing
    trials last. Query syntax in TEXT is not interpreted.
    """
    from .ranking import rank

    patient = _load_patient(text, patient_file)
    query_text = text or ""
    if patient_file is not None and patient_file.suffix.lower() != ".json":
        query_text = f"{query_text} {patient_file.read_text(encoding='utf-8', errors='replace')}"
    with _open(index_path, index_given) as ix:
        found = rank(ix, patient, text=query_text, top=top, filters=_filters(status, phase, country, study_type))
    if as_json:
        _echo_json(found.to_dict())
        return
    _echo_understood(found.patient)
    if not found.results:
        click.echo("No trials found.")
    for n, r in enumerate(found.results, 1):
        click.echo(f"{n:>3}. {r.nct_id}  {r.title}")
        click.echo(
            f"     {r.status or 'unknown status'} | {r.eligibility.upper()} | "
            f"{r.passed} pass, {r.failed} fail, {r.unknown} unknown"
        )
        for reason in r.reasons:
            click.echo(f"       - {reason}")
    if found.excluded:
        click.echo("\nClose matches you are not eligible for (left out by your age or sex):")
        for r in found.excluded:
            click.echo(f"  {r.nct_id}  {r.title}  [INELIGIBLE]")
            for reason in r.reasons[:1]:
                click.echo(f"       - {reason}")
    if found.questions:
        click.echo("\nQuestions that would settle more criteria:")
        for q in found.questions:
            click.echo(f"  - {q}")


@cli.command("run")
@click.argument("topics", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", default=100, show_default=True, type=click.IntRange(1, 1000), help="Trials per topic.")
@click.option("--tag", default="matcher", show_default=True, help="Run tag (last column).")
@click.option("--baseline", is_flag=True, help="Plain BM25 on the topic text: no facts, filters or re-ranking.")
@index_option
def run_cmd(topics: Path, top: int, tag: str, baseline: bool, index_path: Path, index_given: bool) -> None:
    """Rank trials for every topic in TOPICS and print a TREC run.

    TOPICS is JSON Lines with _id and text, or TREC topics XML
    (<topic number="...">text</topic>). Progress goes to stderr on a terminal.
    """
    from .evaluation import read_topics, run_lines
    from .patient import read_text
    from .ranking import RUN_CANDIDATES, rank

    try:
        items = read_topics(topics)
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None
    with _open(index_path, index_given) as ix, _Progress("Ranking topics") as progress:
        for qid, text in items:
            if baseline:
                ranked = [(h.nct_id, h.score) for h in ix.search(text, top=top, prefer_open=False)]
            else:
                # TREC grades trials the patient is excluded from (and closed ones) as relevant too:
                # no hard age/sex filter and no tiers; eligibility counts through the learned signals
                found = rank(ix, read_text(text), text=text, top=top, n_candidates=max(top, RUN_CANDIDATES),
                             hard_filters=False, tiers=False)
                ranked = [(r.nct_id, r.score) for r in found.results]
            for line in run_lines(qid, ranked, tag):
                click.echo(line)
            progress.advance()


@cli.command()
@click.argument("run", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def evaluate(run: Path, qrels: Path, as_json: bool) -> None:
    """Score a TREC RUN against QRELS on judged trials only (nDCG@10, P@10, R@100, eligible above excluded)."""
    from .evaluation import evaluate as evaluate_run
    from .evaluation import read_qrels, read_run

    try:
        figures = evaluate_run(read_run(run), read_qrels(qrels))
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _echo_json(figures)
        return
    for name, value in figures.items():
        click.echo(f"{name:<26} {value:.4f}" if name != "topics" else f"{name:<26} {value:.0f}")


def _show_text(trial: Trial) -> None:
    click.echo(f"{trial.nct_id}: {trial.title}")
    ages = f"{_fmt_age(trial.minimum_age)} to {_fmt_age(trial.maximum_age)}"
    click.echo(f"  status: {trial.overall_status or '-'}   type: {trial.study_type or '-'}   phase: {', '.join(trial.phases) or '-'}")
    click.echo(f"  sex: {trial.sex}   ages: {ages}")
    if trial.conditions:
        click.echo(f"  conditions: {'; '.join(trial.conditions)}")
    if trial.countries:
        click.echo(f"  countries: {', '.join(trial.countries)}")
    for section in ("inclusion", "exclusion"):
        items = [c for c in trial.criteria if c.section == section]
        click.echo(f"\n{section.capitalize()} criteria ({len(items)}):")
        for c in items:
            click.echo(f"  {c.id:>7}  {c.text}")
            for con in c.constraints:
                click.echo(f"           -> {con.summary()}")


def _fmt_age(age: float | None) -> str:
    if age is None:
        return "any"
    return f"{age:g} years"


@cli.command()
@click.argument("nct_id")
@index_option
@json_option
def show(nct_id: str, index_path: Path, index_given: bool, as_json: bool) -> None:
    """Show a stored trial with its split criteria."""
    with _open(index_path, index_given) as ix:
        try:
            trial = ix.get(nct_id)
        except MatcherError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        _echo_json(trial.to_dict())
    else:
        _show_text(trial)


@cli.command()
@index_option
@json_option
def stats(index_path: Path, index_given: bool, as_json: bool) -> None:
    """Count trials, criteria and constraints in the index."""
    with _open(index_path, index_given) as ix:
        data = ix.stats()
    if as_json:
        _echo_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in value.items():
                click.echo(f"  {k}: {v}")
        else:
            click.echo(f"{key}: {value}")


@cli.command()
@click.argument("text", required=False)
@click.option("--trial", "nct_id", help="Parse every criterion of this indexed trial instead of TEXT.")
@click.option(
    "--section",
    type=click.Choice(["inclusion", "exclusion"]),
    default=None,
    help="Read TEXT as criteria of this section (default: from its headers, else inclusion).",
)
@index_option
@json_option
def parse(
    text: str | None, nct_id: str | None, section: str | None, index_path: Path, index_given: bool, as_json: bool
) -> None:
    """Parse criteria into constraints: TEXT ('-' for stdin) or --trial NCT_ID."""
    from .criteria import split_criteria
    from .nlp import parse_criteria

    if nct_id:
        with _open(index_path, index_given) as ix:
            try:
                criteria = ix.get(nct_id).criteria
            except MatcherError as exc:
                raise click.ClickException(str(exc)) from None
    elif text is not None:
        if text == "-":
            text = click.get_text_stream("stdin").read()
        criteria = split_criteria(text)
        if section:
            for c in criteria:
                c.section = section
        parse_criteria(criteria)
    else:
        raise click.UsageError("give TEXT to parse or --trial NCT_ID")
    if as_json:
        _echo_json({"criteria": [c.to_dict() for c in criteria]})
        return
    for c in criteria:
        click.echo(f"{c.id:>7}  {c.text}")
        for con in c.constraints:
            click.echo(f"         -> {con.summary()}")
        if not c.constraints:
            click.echo("         -> (no constraint recognised)")


def _echo_understood(summary: dict) -> None:
    """The "What we understood" block, so people can check what was read."""
    if summary.get("lines"):
        click.echo("What we understood:")
        for line in summary["lines"]:
            click.echo(f"  {line}")
        click.echo("")


@cli.command()
@click.argument("nct_id")
@click.argument("text", required=False)
@patient_options
@index_option
@json_option
def explain(
    nct_id: str, text: str | None, patient_file: Path | None, index_path: Path, index_given: bool, as_json: bool
) -> None:
    """Judge every criterion of trial NCT_ID for a patient (TEXT or --patient-file)."""
    from .eligibility import explain as explain_trial
    from .understood import summarize

    patient = _load_patient(text, patient_file)
    with _open(index_path, index_given) as ix:
        try:
            trial = ix.get(nct_id)
        except MatcherError as exc:
            raise click.ClickException(str(exc)) from None
    result = explain_trial(trial, patient)
    result.patient = summarize(patient)
    if as_json:
        _echo_json(result.to_dict())
        return
    _echo_understood(result.patient)
    click.echo(f"{result.nct_id}: {result.title}")
    counts = result.counts()
    click.echo(
        f"Eligibility: {result.eligibility.upper()}  "
        f"({counts['pass']} pass, {counts['fail']} fail, {counts['unknown']} unknown, {counts['not_applicable']} not applicable)\n"
    )
    marks = {"pass": "PASS", "fail": "FAIL", "unknown": " ?  ", "not_applicable": "n/a "}
    for c in result.criteria:
        click.echo(f"[{marks[c.verdict]}] {c.id:>10}  {c.text}")
        click.echo(f"{'':19}{c.reason}")
    if result.questions:
        click.echo("\nOpen questions:")
        for q in result.questions:
            click.echo(f"  - {q}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="Browser origin allowed to call the API, e.g. https://hospital.example. Repeatable; none by default.")
@click.option("--frame-ancestors", multiple=True,
              help="Origin allowed to embed the page in an iframe (CSP frame-ancestors). Repeatable; default: any.")
@click.option("--rate-limit", default=5.0, show_default=True, type=click.FloatRange(min=0),
              help="Requests a second per client IP; 0 turns the limit off.")
@click.option("--rate-burst", default=30, show_default=True, type=click.IntRange(min=1),
              help="Requests a client may make at once before the rate limit applies.")
@click.option("--max-body", "max_body_bytes", default=65536, show_default=True, type=click.IntRange(min=1),
              help="Largest request body in bytes; larger ones get 413.")
@click.option("--forwarded-allow-ips", default=None,
              help="Addresses of reverse proxies whose X-Forwarded-For gives the client address.")
@index_option
def serve_cmd(
    host: str,
    port: int,
    cors_origins: tuple[str, ...],
    frame_ancestors: tuple[str, ...],
    rate_limit: float,
    rate_burst: int,
    max_body_bytes: int,
    forwarded_allow_ips: str | None,
    index_path: Path,
    index_given: bool,
) -> None:
    """Serve the HTTP JSON API and the embeddable search page until Ctrl-C or SIGTERM.

    POST /search, POST /explain, GET /trials/NCT_ID and GET /health answer in
    the same JSON as --json; the page is at / and the OpenAPI docs at /docs.
    Patient text is never logged.
    """
    from . import api

    _open(index_path, index_given).close()  # builds the default index on first use, like every command
    api.serve(
        host,
        port,
        index_path,
        cors_origins=cors_origins,
        frame_ancestors=frame_ancestors or ("*",),
        rate_limit=rate_limit or None,
        rate_burst=rate_burst,
        max_body_bytes=max_body_bytes,
        forwarded_allow_ips=forwarded_allow_ips,
    )


def main() -> None:  # pragma: no cover - console script entry
    cli()
