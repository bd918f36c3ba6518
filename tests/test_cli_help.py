"""Every command of `survey-engine` answers --help, found by walking the click tree,
so a new command without help text (or one that fails to import) fails here."""
import click
from click.testing import CliRunner

from survey_engine.cli import main


def _walk(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        path = prefix + (name,)
        yield path, command
        if isinstance(command, click.Group):
            yield from _walk(command, path)


def test_every_command_has_help():
    runner = CliRunner()
    paths = [()] + [p for p, _ in _walk(main)]
    assert len(paths) > 2
    for path in paths:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_every_command_has_a_description():
    for path, command in _walk(main):
        assert (command.help or command.short_help or "").strip(), f"{' '.join(path)} has no help text"
