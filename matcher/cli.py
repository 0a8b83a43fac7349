"""The ``matcher`` command line: a thin click layer over the library."""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from . import config
from .errors import MatcherError
from .filters import LIST_FILTERS, Filters
from .form import FormError
from .models import Trial
from .service import Matcher


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def index_option(func: Callable) -> Callable:
    """``--index DIR`` for every command; defaults to $MATCHER_INDEX or the per-user location."""

    return click.option(
        "--index",
        "index_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Index directory (default: $MATCHER_INDEX, else ~/.local/share/matcher/index).",
    )(func)


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


def _run_ingest(sources: list[str], index_path: Path, update: bool, jobs: int, optimize: bool | None) -> Any:
    from .ingest import ingest

    with _Progress("Indexing trials") as progress:
        return ingest(sources, index_path, update=update, on_trial=progress.advance, jobs=jobs, optimize=optimize)


class _Building:
    """Progress for the first use of the default index, which builds it from the bundled corpus."""

    def __init__(self) -> None:
        self._progress: _Progress | None = None

    def __call__(self) -> None:
        if self._progress is None:
            click.echo(f"Building the default index from the bundled corpus {config.default_corpus_path()} "
                       "(first use, a few minutes)...", err=True)
            self._progress = _Progress("Indexing trials").__enter__()
        self._progress.advance()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)


@contextlib.contextmanager
def _matcher(index_path: Path | None) -> Iterator[Matcher]:
    """The one way every command reaches the library: a :class:`Matcher`."""
    building = _Building()
    with Matcher(index_path, on_build=building) as matcher:
        try:
            yield matcher
        finally:
            building.close()


def _text(value: str | None, what: str = "TEXT") -> str | None:
    """Command-line text as given; a one-line usage error when it holds undecodable bytes."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise click.BadParameter(f"is not valid UTF-8 (undecodable byte at character {exc.start + 1})",
                                 param_hint=what) from None
    return value


def _patient_input(text: str | None, patient_file: Path | None, near: str | None = None
                   ) -> tuple[str | None, dict | None]:
    """(free text, form) for Matcher: TEXT, a .txt file's text, a .json file's form, --near as the form's location."""
    text = _text(text)
    form = None
    if patient_file is not None:
        try:
            raw = patient_file.read_bytes().decode("utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot read {patient_file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"{patient_file} is not UTF-8 text (byte {exc.start + 1})") from None
        if patient_file.suffix.lower() == ".json":
            try:
                form = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{patient_file} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
            if not isinstance(form, dict):
                raise click.ClickException(f"{patient_file}: expected a JSON object of form fields")
        else:
            text = f"{text}\n{raw}" if text else raw
    if near is not None:
        form = {**(form or {}), "location": _text(near, "--near")}
    if text is None and form is None:
        raise click.UsageError("describe the patient: give TEXT or --patient-file FILE (.txt or .json)")
    return text, form


def patient_options(func: Callable) -> Callable:
    return click.option(
        "--patient-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Patient description: .txt (free text) or .json (form fields; see README).",
    )(func)


class _Group(click.Group):
    """Turns every deliberate matcher error into one clear line (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FormError as exc:
            raise click.ClickException(f"patient {exc}") from None
        except MatcherError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group)
@click.version_option(package_name="matcher")
def cli() -> None:
    """Match patients to clinical trials, criterion by criterion."""


@cli.command("index")
@click.argument("sources", nargs=-1, type=click.Path(path_type=str))
@index_option
@click.option("--rebuild", is_flag=True, help="Replace the whole index instead of adding to it.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes parsing criteria and, in a fresh build, writing the index "
                   "(default: the number of cores; each about 150-350 MB).")
@click.option("--optimize", is_flag=True, default=None,
              help="Merge the index into one segment (builds write one per 10,000 trials; updates add one).")
def index_cmd(sources: tuple[str, ...], index_path: Path | None, rebuild: bool, jobs: int | None,
              optimize: bool | None) -> None:
    """Index trial records from SOURCE files, directories or archives.

    Without SOURCE, index the bundled default corpus. Trials already in the
    index are replaced by NCT id, others are kept (unless --rebuild). A SOURCE
    may be ClinicalTrials.gov's bulk download ctg-studies.json.zip.
    """
    index_path = index_path or config.default_index_path()
    paths = list(sources) or [str(config.default_corpus_path())]
    from .ingest import default_jobs

    report = _run_ingest(paths, index_path, update=not rebuild, jobs=jobs or default_jobs(), optimize=optimize or None)
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
    if report.build is None:
        raise click.ClickException(f"nothing indexed: all {len(report.skipped)} record(s) skipped")
    build = report.build
    click.echo(
        f"Indexed {build.indexed} trials ({build.criteria} criteria) in {build.seconds:.1f} s; "
        f"{len(report.skipped)} skipped; the index at {index_path} now holds {build.total} trials."
    )
    if report.cache_hits or report.cache_misses:
        click.echo(f"Distinct criteria of each batch: {report.cache_misses} read, {report.cache_hits} from the parse cache.")


@cli.command("sync")
@click.option("--since", metavar="YYYY-MM-DD", help="Pull studies updated on or after this date "
              "(default: the last sync point, else the newest update in the index).")
@click.option("--base-url", default="https://clinicaltrials.gov/api/v2", show_default=True,
              help="ClinicalTrials.gov API v2 root (a mirror or a test server).")
@click.option("--page-size", default=1000, show_default=True, type=click.IntRange(1, 1000), help="Studies per page.")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(0, 20),
              help="Retries of a failing page, with exponential backoff.")
@click.option("--restart", is_flag=True, help="Forget an interrupted sync's progress and start over.")
@index_option
@json_option
def sync_cmd(since: str | None, base_url: str, page_size: int, retries: int, restart: bool,
             index_path: Path | None, as_json: bool) -> None:
    """Bring the index up to date with ClinicalTrials.gov: pull the studies
    updated since the last sync and apply them as one new index generation.

    An interrupted sync resumes where it stopped; the index in service is only
    replaced once everything is fetched and built.
    """
    from .sync import sync

    with _Progress("Syncing") as progress:
        report = sync(index_path or config.default_index_path(), since=since, base_url=base_url,
                      page_size=page_size, max_retries=retries, restart=restart,
                      on_page=progress.advance, on_trial=progress.advance)
    if as_json:
        _echo_json(report.to_dict())
        return
    click.echo(f"Synced from {report.since} ({report.since_from}{', resumed' if report.resumed else ''})")
    click.echo(f"Fetched {report.fetched} studies in {report.pages} pages: {report.new} new, {report.changed} changed, "
               f"{report.unchanged} unchanged, {report.skipped} skipped")
    click.echo(f"Built generation {report.generation}" if report.built
               else f"Nothing new: generation {report.generation} kept")
    click.echo(f"Next sync from {report.until} ({report.seconds:.1f} s)")


def filter_options(func: Callable) -> Callable:
    options = [click.option(f"--{spec.name.replace('_', '-')}", multiple=True, help=f"{spec.help} Repeatable.")
               for spec in LIST_FILTERS]
    options += [
        click.option("--include-closed", is_flag=True,
                     help="Also show trials that no longer enrol (completed, terminated, ...), marked NOT RECRUITING."),
        click.option("--near", metavar="PLACE", help="Where the patient lives: a city, 'Columbus, Ohio', a US ZIP code."),
        click.option("--within", metavar="DISTANCE", help="Keep trials with an enrolling site this close: 50mi, 100km."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(options: dict[str, Any]) -> Filters:
    return Filters(**{spec.name: list(options[spec.name]) for spec in LIST_FILTERS},
                   include_closed=options["include_closed"], within=_text(options["within"], "--within"))


_BADGES = {"eligible": "LIKELY ELIGIBLE", "uncertain": "MAYBE ELIGIBLE: questions open", "ineligible": "NOT ELIGIBLE"}


def _badge(result: "object") -> str:
    """The label a person reads first: a trial that no longer enrols is never 'likely eligible'."""
    if not result.enrolling:
        return f"NOT RECRUITING ({(result.status or 'unknown status').replace('_', ' ').lower()})"
    return _BADGES[result.eligibility]


def _site_line(site: dict | None) -> str | None:
    if not site:
        return None
    where = ", ".join(p for p in (site["facility"], site["city"], site["state"], site["country"]) if p)
    return f"nearest site: {where} ({site['km']:.0f} km / {site['miles']:.0f} mi)"


@cli.command()
@click.argument("text", required=False)
@patient_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Number of results.")
@filter_options
@index_option
@json_option
def search(text: str | None, patient_file: Path | None, top: int, index_path: Path | None, as_json: bool,
           **options: Any) -> None:
    """Find the best trials for a patient described by TEXT (or --patient-file).

    By default only trials open to enrolment are listed (recruiting, not yet
    recruiting, by invitation, available); --include-closed shows the others
    too. A place in TEXT ("lives in Columbus, Ohio") or --near ranks nearby
    sites higher and shows the nearest one. Query syntax in TEXT is not
    interpreted.
    """
    text, form = _patient_input(text, patient_file, options.pop("near"))
    filters = _filters(options)
    with _matcher(index_path) as m:
        found = m.search(text, patient=form, top=top, filters=filters)
    if as_json:
        _echo_json(found.to_dict())
        return
    _echo_understood(found.patient)
    if found.data_date:
        click.echo(f"Trials as of {found.data_date} (the newest registry update in the index).\n")
    if not found.results:
        click.echo("No trials found.")
    for n, r in enumerate(found.results, 1):
        click.echo(f"{n:>3}. {r.nct_id}  {r.title}")
        click.echo(f"     {_badge(r)} | {r.passed} pass, {r.failed} fail, {r.unknown} unknown")
        site = _site_line(r.nearest_site)
        if site:
            click.echo(f"     {site}")
        for reason in r.reasons:
            click.echo(f"       - {reason}")
    if found.closed:
        click.echo(f"\n{found.closed} closely matching trials no longer enrol and are not listed; "
                   "--include-closed shows them.")
    if found.excluded:
        click.echo("\nClose matches you are not eligible for (left out by your age or sex):")
        for r in found.excluded:
            click.echo(f"  {r.nct_id}  {r.title}  [NOT ELIGIBLE]")
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
def run_cmd(topics: Path, top: int, tag: str, baseline: bool, index_path: Path | None) -> None:
    """Rank trials for every topic in TOPICS and print a TREC run.

    TOPICS is JSON Lines with _id and text, or TREC topics XML
    (<topic number="...">text</topic>). Every trial counts, open or closed,
    as TREC judges them. Progress goes to stderr on a terminal.
    """
    from .evaluation import read_topics, run_lines

    items = read_topics(topics)
    with _matcher(index_path) as m, _Progress("Ranking topics") as progress:
        for qid, ranked in m.run(items, top=top, baseline=baseline):
            for line in run_lines(qid, ranked, tag):
                click.echo(line)
            progress.advance()


@cli.command()
@click.argument("run", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def evaluate(run: Path, qrels: Path, as_json: bool) -> None:
    """Score a TREC RUN against QRELS on judged trials only (nDCG@10, P@10, R@100, eligible above excluded).

    Needs ir-measures: pip install 'matcher[eval]'.
    """
    from .evaluation import evaluate as evaluate_run
    from .evaluation import read_qrels, read_run

    figures = evaluate_run(read_run(run), read_qrels(qrels))
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
def show(nct_id: str, index_path: Path | None, as_json: bool) -> None:
    """Show a stored trial with its split criteria."""
    with _matcher(index_path) as m:
        trial = m.trial(nct_id)
    if as_json:
        _echo_json(trial.to_dict())
    else:
        _show_text(trial)


@cli.command()
@index_option
@json_option
def stats(index_path: Path | None, as_json: bool) -> None:
    """Count trials, criteria and constraints in the index, and say how recent its data is."""
    with _matcher(index_path) as m:
        data = m.stats()
    if as_json:
        _echo_json(data)
        return
    if data.get("data_date"):
        data["data_date"] = f"{data['data_date']} (the newest registry update in the index)"
    for key, value in data.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for k, v in value.items():
                click.echo(f"  {k}: {v}")
        else:
            click.echo(f"{key}: {value}")


@cli.command()
@click.argument("text", required=False)
@click.option("--trial", "nct_id", help="Parse every criterion of this trial instead of TEXT.")
@click.option(
    "--section",
    type=click.Choice(["inclusion", "exclusion"]),
    default=None,
    help="Read TEXT as criteria of this section (default: from its headers, else inclusion).",
)
@index_option
@json_option
def parse(text: str | None, nct_id: str | None, section: str | None, index_path: Path | None, as_json: bool) -> None:
    """Parse criteria into constraints: TEXT ('-' for stdin) or --trial NCT_ID."""
    if nct_id:
        with _matcher(index_path) as m:
            criteria = m.trial(nct_id).criteria
    elif text is not None:
        if text == "-":
            text = click.get_text_stream("stdin", errors="surrogateescape").read()
        criteria = Matcher.parse(_text(text), section)
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
def explain(nct_id: str, text: str | None, patient_file: Path | None, index_path: Path | None, as_json: bool) -> None:
    """Judge every criterion of trial NCT_ID for a patient (TEXT or --patient-file)."""
    text, form = _patient_input(text, patient_file)
    with _matcher(index_path) as m:
        result = m.explain(nct_id, text, patient=form)
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


def _serve_options(func: Callable) -> Callable:
    """``matcher serve``'s options, generated from :class:`~matcher.api.settings.ServerSettings`."""
    from .api.settings import cli_fields

    for f in reversed(cli_fields()):
        meta, default = f.metadata, f.default if f.default is not dataclasses.MISSING else f.default_factory()
        kind: Any = None
        if "choices" in meta:
            kind = click.Choice(meta["choices"])
        elif f.type in ("int",):
            kind = click.IntRange(meta.get("minimum"), meta.get("maximum"))
        elif f.type in ("float",):
            kind = click.FloatRange(min=meta.get("minimum"))
        func = click.option(meta["option"], f.name, default=None if meta["multiple"] else default,
                            multiple=meta["multiple"], type=kind, show_default=not meta["multiple"],
                            help=meta["help"])(func)
    return func


@cli.command("serve")
@_serve_options
@index_option
def serve_cmd(index_path: Path | None, **options: Any) -> None:
    """Serve the HTTP JSON API and the embeddable search page until Ctrl-C or SIGTERM.

    POST /search, POST /explain, GET /trials/NCT_ID and GET /health answer in
    the same JSON as --json; the page is at / and the API reference at /docs.
    Patient text is never logged.
    """
    from .api import ServerSettings, serve

    with _matcher(index_path) as m:
        index_path = m.index_path
        len(m)  # builds the default index on first use, like every command
    settings = {k: v for k, v in options.items() if v not in (None, ())}
    serve(ServerSettings(index_path=index_path, **settings))


def main() -> None:  # pragma: no cover - console script entry
    try:
        cli()
    finally:
        # The command is done. Exiting, Python collects garbage over every object
        # a search loaded (the pipeline, its 13,000 patterns, the index), which
        # took a fifth of a one-off `matcher search`; frozen objects are skipped.
        # Their memory goes back when the process ends, as it does anyway.
        gc.freeze()
