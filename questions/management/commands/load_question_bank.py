from django.core.management.base import BaseCommand, CommandError

from questions.bank import BankError, load_bank, read_bank


class Command(BaseCommand):
    help = "Create or update the built-in question bank from questions/bank/*.yaml (idempotent)."

    def handle(self, *args, **options):
        try:
            bank = read_bank()
        except BankError as exc:
            raise CommandError("The question bank has problems; nothing was loaded:\n" + str(exc)) from exc
        counts = load_bank(bank)
        self.stdout.write(
            self.style.SUCCESS(
                f"Question bank: {len(bank.questions)} questions ({counts['questions_created']} new), "
                f"{len(bank.sets)} sets ({counts['sets_created']} new), {len(bank.tags)} tags."
            )
        )
