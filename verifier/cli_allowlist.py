"""``verifier allowlist ...``: the moderators' commands to build, sign and verify the list.

Each command imports what it needs when it runs: ``verifier check`` registers these commands
on every start and should not pay for loading the lint, diff, build and key modules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from verifier.errors import AllowlistError, BundleFormatError, SourceError

DEFAULT_SOURCES = Path("allowlists")
DEFAULT_BUNDLE = Path("verifier/data/allowlist.json")
DEFAULT_SHIPPED_ROOT = Path("verifier/data/root.json")
EXIT_UNVERIFIED = 3

app = typer.Typer(
    help="Moderator commands: build, sign and verify the signed allowlist.", no_args_is_help=True
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def _read_json(path: Path) -> dict[str, Any]:
    """A bundle or root document, read by the strict reader every signed file goes through;
    a document it refuses exits 3 (as one that does not verify), naming the problem."""
    from verifier.allowlist import strictjson  # noqa: PLC0415
    from verifier.allowlist.trust import MAX_BUNDLE_BYTES  # noqa: PLC0415

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(f"{path} does not exist") from None
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BUNDLE_BYTES:
        raise _fail(f"{path}: file is larger than {MAX_BUNDLE_BYTES} bytes", EXIT_UNVERIFIED)
    try:
        data = strictjson.loads(raw)
    except AllowlistError as exc:
        raise _fail(f"{path}: {exc} [{exc.code}]", EXIT_UNVERIFIED) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("signed"), dict)
        or not isinstance(data.get("signatures", []), list)
    ):
        raise _fail(f"{path} is not a signed document ({{'signed': ..., 'signatures': [...]}})")
    return data


@app.command()
def build(
    sources: Annotated[Path, typer.Option(help="The allowlists/ directory.")] = DEFAULT_SOURCES,
    out: Annotated[Path, typer.Option(help="Where to write the bundle.")] = DEFAULT_BUNDLE,
    check: Annotated[bool, typer.Option("--check", help="Only check that OUT matches the sources.")] = False,
) -> None:
    """Compile the TOML sources into the canonical bundle (deterministic).

    Signatures in OUT are kept when the signed content is unchanged; any change
    empties them, so the new bundle must be signed again.
    """
    from verifier.allowlist.bundle import build_release, write_bundle  # noqa: PLC0415
    from verifier.allowlist.bundleformat import canonical_bytes  # noqa: PLC0415

    try:
        release = build_release(sources)
        bundle = release.bundle
    except SourceError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        raise _fail(f"{len(exc.problems)} problem(s) in the sources") from None
    _check_policy(bundle, sources / "release.toml", release=not check)
    existing = _existing_bundle(out)
    same = existing is not None and canonical_bytes(existing["signed"]) == canonical_bytes(bundle["signed"])
    root_src, root_out = sources / "root.json", out.parent / "root.json"
    root_same = not root_src.exists() or (
        root_out.exists() and root_src.read_bytes() == root_out.read_bytes()
    )
    if check:
        if not same:
            raise _fail(
                f"{out} does not match the sources in {sources}: run `verifier allowlist build` "
                "and have moderators sign the result"
            )
        if not root_same:
            raise _fail(f"{root_out} differs from {root_src}")
        for name, data in release.targets.items():
            if not (out.parent / name).is_file() or (out.parent / name).read_bytes() != data:
                raise _fail(f"{out.parent / name} does not match the feeds in {sources}: run the build")
        typer.echo(f"{out} matches {sources} (version {bundle['signed']['version']})")
        return
    if same and existing is not None:
        bundle["signatures"] = existing.get("signatures", [])
    for name, data in release.targets.items():  # the targets first: the bundle names them
        _write_atomic(out.parent / name, data)
    write_bundle(bundle, out)
    if not root_same:
        root_out.write_bytes(root_src.read_bytes())
    kept = len(bundle["signatures"])
    targets = "".join(
        f", {name} ({meta['length']} bytes, {sum(f['hosts'] for f in meta.get('feeds', {}).values())} hosts)"
        for name, meta in bundle["signed"].get("targets", {}).items()
    )
    typer.echo(
        f"wrote {out}: version {bundle['signed']['version']}, {len(bundle['signed']['brands'])} brands"
        f"{targets}, {kept} signature(s) kept"
        + ("" if kept else "; sign it with `verifier allowlist sign --key`")
    )


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _existing_bundle(out: Path) -> dict[str, Any] | None:
    """The bundle already at ``out`` whose signatures ``build`` may keep; None when there is
    none, or it cannot be read strictly (said on stderr: it is then replaced, unsigned)."""
    if not out.exists():
        return None
    try:
        return _read_json(out)
    except typer.Exit:
        typer.echo(f"{out}: the existing bundle cannot be read; its signatures are not kept", err=True)
        return None


def _check_policy(document: dict[str, Any], file: Path, *, release: bool = True) -> None:
    """Refuse a bundle whose expiry breaks the release policy: it must expire between 180 and
    400 days after signing, and signing is now (``release``) or, for a bundle signed before,
    some time in the past: more than 400 days ahead is refused, fewer than 180 is said on stderr."""
    from verifier.allowlist.bundleformat import BUNDLE_TYPE  # noqa: PLC0415
    from verifier.allowlist.trust import parse_expires, policy_problem  # noqa: PLC0415

    signed = document["signed"]
    if signed.get("_type") != BUNDLE_TYPE:
        return
    try:
        parse_expires(signed.get("expires"))
    except AllowlistError as exc:
        raise _fail(f"{file}: {exc} [{exc.code}]", EXIT_UNVERIFIED) from None
    problem = policy_problem(signed["expires"], dt.datetime.now(dt.UTC))
    if problem is None:
        return
    too_late = problem.endswith("[bundle.expires_beyond_policy]")
    if release or too_late:
        raise _fail(f"{file}: {problem}; change expires in release.toml and build again", EXIT_UNVERIFIED)
    typer.echo(f"warning: {file}: {problem}: sign a new release soon", err=True)


@app.command()
def sign(
    key: Annotated[Path, typer.Option(help="Your Ed25519 private key (PEM, PKCS#8). Never commit it.")],
    file: Annotated[Path, typer.Argument(help="Bundle or root document to sign.")] = DEFAULT_BUNDLE,
) -> None:
    """Add your signature to a bundle or root document (run once per moderator)."""
    from verifier.allowlist.bundle import write_bundle  # noqa: PLC0415
    from verifier.allowlist.trust import load_private_key, sign_document  # noqa: PLC0415

    document = _read_json(file)
    _check_policy(document, file)
    try:
        private = load_private_key(key.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise _fail(f"cannot load the private key {key}: {exc}") from None
    signed = sign_document(document, private)
    write_bundle(signed, file)
    typer.echo(
        f"signed {file} ({signed['signed'].get('_type')} version {signed['signed'].get('version')}); "
        f"{len(signed['signatures'])} signature(s) now"
    )


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="Bundle to verify.")] = DEFAULT_BUNDLE,
    root: Annotated[
        Path | None, typer.Option(help="Root of trust (default: the one in the package).")
    ] = None,
    release: Annotated[
        bool,
        typer.Option(
            "--release",
            help="It is being released now: refuse it unless it expires 180 to 400 days from now "
            "(without: fewer than 180 days left is a warning).",
        ),
    ] = False,
) -> None:
    """Verify a bundle's signatures (threshold of trusted keys), expiry and target files (the
    denylist hosts beside it, by length and SHA-256). Exit 3 on failure."""
    from verifier.allowlist.store import read_targets, targets_in, trusted_root  # noqa: PLC0415
    from verifier.allowlist.trust import Root, parse_bundle, verify_bundle  # noqa: PLC0415

    try:
        trusted = Root.from_json(root.read_bytes()) if root else trusted_root()
        data = file.read_bytes()
        verified = verify_bundle(data, trusted)
        targets = read_targets(verified.signed, targets_in(file.parent))
    except OSError as exc:
        raise _fail(f"cannot read {exc.filename}: {exc.strerror}", EXIT_UNVERIFIED) from None
    except AllowlistError as exc:
        raise _fail(f"{file} does not verify: {exc}", EXIT_UNVERIFIED) from None
    _check_policy(parse_bundle(data), file, release=release)
    signers = ", ".join(sorted(k[:12] for k in verified.signed_by))
    files = "".join(f"; {name}: OK ({len(data)} bytes)" for name, data in targets.items())
    typer.echo(
        f"{file}: OK, version {verified.version}, expires {verified.expires}, "
        f"signed by {len(verified.signed_by)} of {len(trusted.keys)} trusted keys "
        f"(threshold {trusted.threshold}): {signers}{files}"
    )


@app.command("init-root")
def init_root(
    key: Annotated[list[Path], typer.Option(help="A moderator's public key (PEM); repeat per moderator.")],
    threshold: Annotated[int, typer.Option(help="Signatures required.")] = 2,
    version: Annotated[int, typer.Option(help="Root version (previous + 1 when rotating).")] = 1,
    out: Annotated[Path, typer.Option(help="Where to write the unsigned root.")] = DEFAULT_SOURCES
    / "root.json",
) -> None:
    """Write an unsigned root listing the moderators' public keys; then each signs it."""
    from verifier.allowlist.bundle import write_bundle  # noqa: PLC0415
    from verifier.allowlist.trust import ROOT_TYPE, load_public_key, root_document  # noqa: PLC0415

    try:
        keys = [load_public_key(path.read_bytes()) for path in key]
    except (OSError, ValueError, TypeError) as exc:
        raise _fail(f"cannot load a public key: {exc}") from None
    if not 1 <= threshold <= len(keys):
        raise _fail(f"threshold must be between 1 and {len(keys)}")
    document = root_document(keys, threshold, version)
    assert document["signed"]["_type"] == ROOT_TYPE
    write_bundle(document, out)
    typer.echo(f"wrote {out}: {len(keys)} keys, threshold {threshold}, version {version}")


@app.command()
def lint(
    sources: Annotated[Path, typer.Option(help="The allowlists/ directory.")] = DEFAULT_SOURCES,
) -> None:
    """Check the sources: schema, normalized values, duplicates, conflicts, evidence, dates.

    Prints one ``file:line: message`` per problem and exits 1 if there is any.
    """
    from verifier.allowlist.lint import lint_sources  # noqa: PLC0415

    if not (sources / "brands").is_dir():
        raise _fail(f"{sources}/brands is not a directory (run from the repository root or pass --sources)")
    problems = lint_sources(sources, today=dt.datetime.now(dt.UTC).date())
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        raise _fail(f"{len(problems)} problem(s)")
    typer.echo(f"{sources}: no problems")


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The bundle before the change.")],
    new: Annotated[Path, typer.Argument(help="The bundle after the change.")] = DEFAULT_BUNDLE,
) -> None:
    """Show what a reviewer needs: channels added, removed and changed, per brand, and per feed
    the denylist hosts added and removed with a sample (from the hosts files beside the bundles,
    checked against the length and SHA-256 each bundle names)."""
    from verifier.allowlist.diff import diff_bundles, load_bundle_file, render_diff  # noqa: PLC0415

    try:
        old_doc, new_doc = load_bundle_file(old), load_bundle_file(new)
        old_hosts, new_hosts = _hosts_beside(old, old_doc), _hosts_beside(new, new_doc)
        change = diff_bundles(old_doc, new_doc, old_hosts=old_hosts, new_hosts=new_hosts)
    except BundleFormatError as exc:
        strict = exc.code in ("bundle.in_file", "target.mismatch")  # refused: as unverified
        raise _fail(str(exc), EXIT_UNVERIFIED if strict else 1) from None
    typer.echo(render_diff(change))


def _hosts_beside(path: Path, document: dict[str, Any]) -> bytes | None:
    """The denylist hosts file a bundle names, read beside it and checked by its length and
    SHA-256: b"" when the bundle names none, None when it is not there."""
    from verifier.allowlist.bundleformat import DENYLIST_TARGET  # noqa: PLC0415
    from verifier.allowlist.hostdeny import verify_target  # noqa: PLC0415

    targets = document["signed"].get("targets", {})
    meta = targets.get(DENYLIST_TARGET) if isinstance(targets, dict) else None
    if not isinstance(meta, dict):
        return b""
    try:
        data = (path.parent / DENYLIST_TARGET).read_bytes()
    except OSError:
        return None
    verify_target(DENYLIST_TARGET, data, meta)
    return data


@app.command("reset-state")
def reset_state(
    version: Annotated[
        int,
        typer.Option(
            help="The highest bundle version this machine accepted before (see the installed "
            "bundle's version or your deployment records).",
            min=0,
            max=2**63 - 1,
        ),
    ],
    state_dir: Annotated[
        Path | None,
        typer.Option(help="The state directory (default: $VERIFIER_STATE_DIR or ~/.local/state/verifier)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow lowering a readable state (weakens rollback protection).")
    ] = False,
) -> None:
    """Repair the rollback state (state.json) after it became unreadable.

    While state.json cannot be read, no bundle verifies (exit 3, problem state.unreadable).
    This writes {"highest_version": VERSION} atomically. Lowering a state that can still be
    read needs --force.
    """
    from verifier.allowlist import store  # noqa: PLC0415

    directory = state_dir or store.state_dir()
    try:
        before = store.reset_state(directory, version, force=force)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write {directory / store.STATE_NAME}: {exc.strerror or exc}") from None
    was = "missing or unreadable" if before is None else f"version {before}"
    typer.echo(f"{directory / store.STATE_NAME}: highest accepted version is now {version} (was {was})")


@app.command()
def audit(
    sources: Annotated[Path, typer.Option(help="The allowlists/ directory.")] = DEFAULT_SOURCES,
    max_age_days: Annotated[
        int, typer.Option(help="An entry checked longer ago than this is stale.", min=1, max=36500)
    ] = 365,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Also fetch each evidence page (public addresses only, bounded) and report "
            "values it no longer contains.",
        ),
    ] = False,
    deadline: Annotated[
        float, typer.Option(help="Seconds for all --online fetches together.", min=1.0, max=3600.0)
    ] = 120.0,
    per_page: Annotated[
        float, typer.Option(help="Seconds for one evidence page.", min=1.0, max=120.0)
    ] = 15.0,
    json_out: Annotated[
        bool, typer.Option("--json", help="One JSON object per finding (JSON Lines).")
    ] = False,
) -> None:
    """List entries whose evidence needs another look.

    Offline: `checked` older than --max-age-days (stale), evidence not on the brand's own
    domain or one of its own accounts (not_own). With --online: the evidence page no longer
    contains the value (value_missing) or could not be read (fetch_failed, not_checked).
    Prints one ``file:line: [code] brand entry: message`` per finding; exits 1 if there is any.
    """
    import json  # noqa: PLC0415

    from verifier.allowlist.audit import audit as run_audit  # noqa: PLC0415
    from verifier.allowlist.audit import summary  # noqa: PLC0415

    if not (sources / "brands").is_dir():
        raise _fail(f"{sources}/brands is not a directory (run from the repository root or pass --sources)")
    fetch = None
    if online:
        from verifier.online.config import ConfigError, OnlineConfig  # noqa: PLC0415
        from verifier.online.redirects import page_fetcher  # noqa: PLC0415

        try:
            fetch = page_fetcher(OnlineConfig.from_env())
        except ConfigError as exc:
            raise _fail(str(exc), 2) from None
    findings = run_audit(
        sources,
        today=dt.datetime.now(dt.UTC).date(),
        max_age_days=max_age_days,
        fetch=fetch,
        deadline=deadline,
        per_page=per_page,
    )
    for finding in findings:
        typer.echo(json.dumps(finding.to_dict(), ensure_ascii=False) if json_out else str(finding))
    if findings:
        if not json_out:
            typer.echo("; ".join(summary(findings)), err=True)
        raise typer.Exit(1)
    if not json_out:
        typer.echo(f"{sources}: every entry's evidence is recent and on the brand's own domain or account")
