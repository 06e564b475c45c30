"""Hover Markdown: names and reasons from the repository cannot break out of their code spans."""

from __future__ import annotations

from pavedroad.analysis.model import Region
from pavedroad.config.model import EffectiveConfig, Zone
from pavedroad.lsp.render import code_span, hover_markdown


def test_code_span_fence_is_longer_than_any_backtick_run() -> None:
    assert code_span("verify_token") == "`verify_token`"
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("x ``` y") == "````x ``` y````"
    assert code_span("`start") == "`` `start ``"
    assert code_span("bell\x07") == "`bell\\x07`"


def test_hover_keeps_a_hostile_statement_name_inside_its_span() -> None:
    # a JS top-level statement is named by its first line: repository text
    symbol = 'app.use(`x` + "[click](https://evil.example)")'
    region = Region(zone="auth", start_line=1, end_line=1, start_byte=0, end_byte=10, symbol=symbol,
                    reasons=("import **/auth",), kind="statement")
    config = EffectiveConfig(root="/nonexistent", zones=(Zone(id="auth"),))
    markdown = hover_markdown(config, [region])
    assert markdown is not None
    assert '``app.use(`x` + "[click](https://evil.example)")``' in markdown


def test_hover_keeps_a_hostile_config_path_inside_its_span() -> None:
    # a nested config's label is its path, and the directory name is repository text
    label = "pkg/`x`[click](https://evil.example)/.pavedroad.yaml"
    region = Region(zone="auth", start_line=1, end_line=1, start_byte=0, end_byte=10, symbol="verify",
                    reasons=("symbol verify",), kind="function")
    zone = Zone(id="auth", origin=label, set_by=(("ai", "central.yaml"),))
    markdown = hover_markdown(EffectiveConfig(root="/nonexistent", zones=(zone,)), [region])
    assert markdown is not None
    assert f"defined by ``{label}``" in markdown
    assert "`ai` set by `central.yaml`" in markdown


def _hover_for(zone: Zone, central_layers: tuple[str, ...] = ()) -> str:
    region = Region(zone=zone.id, start_line=1, end_line=1, start_byte=0, end_byte=10, symbol="verify",
                    reasons=("symbol verify",), kind="function")
    config = EffectiveConfig(root="/nonexistent", zones=(zone,), central_layers=central_layers)
    markdown = hover_markdown(config, [region])
    assert markdown is not None
    return markdown


def test_hover_shows_a_repository_zones_prose_as_plain_text() -> None:
    # a repository's title, why and reviewers cannot render a link or an image (fetched when shown)
    zone = Zone(id="auth", title="Auth ![x](https://evil.example/p.png)",
                why="See [policy](https://evil.example) or www.evil.example",
                reviewers=("<img src=x>",), origin=".pavedroad.yaml")
    markdown = _hover_for(zone)
    assert "**Auth \\!\\[x\\]\\(https\\:\\/\\/evil\\.example\\/p\\.png\\)**" in markdown
    assert "See \\[policy\\]\\(https\\:\\/\\/evil\\.example\\) or www\\.evil\\.example" in markdown
    assert "Reviewers: \\<img src\\=x\\>" in markdown
    for raw in ("](", "://", "www."):
        assert raw not in markdown
    assert markdown.count("<img") == markdown.count("\\<img") == 1


def test_hover_keeps_the_central_maps_markdown() -> None:
    # the security team's own text may link to its policy page
    zone = Zone(id="auth", title="Auth", why="See [policy](https://wiki.example/auth).",
                origin="/etc/pavedroad/central.yaml")
    assert "See [policy](https://wiki.example/auth)." in _hover_for(zone, ("/etc/pavedroad/central.yaml",))
    # the same text from the repository's file, which took the zone's `why` over
    taken = Zone(id="auth", title="Auth", why="See [policy](https://evil.example).",
                 origin="/etc/pavedroad/central.yaml", set_by=(("why", ".pavedroad.yaml"),))
    assert "See \\[policy\\]" in _hover_for(taken, ("/etc/pavedroad/central.yaml",))
