"""``python -m service`` runs the ``zonedigest`` command."""

from service.cli import main

main()
