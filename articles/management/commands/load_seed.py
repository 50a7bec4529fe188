"""Import every seeds/*.txt post; safe to run again (updates, never duplicates)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.seeds import SeedError, import_seed, read_seed


class Command(BaseCommand):
    help = "Import the plain-text posts in seeds/ as published articles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, default=None, help="Folder of *.txt seeds (default: SEEDS_DIR)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["dir"] or Path(settings.SEEDS_DIR)
        paths = sorted(folder.glob("*.txt"))
        if not paths:
            raise CommandError(f"No *.txt seed files in {folder}")
        errors = []
        for path in paths:
            try:
                article, created = import_seed(read_seed(path))
            except SeedError as error:
                errors.append(str(error))
                self.stderr.write(self.style.ERROR(f"Skipped {error}"))
                continue
            if options["verbosity"] > 0:
                verb = "Created" if created else "Updated"
                self.stdout.write(f"{verb} {article.get_absolute_url()} from {path.name}")
        if errors:
            raise CommandError(f"{len(errors)} of {len(paths)} seed file(s) not imported.")
