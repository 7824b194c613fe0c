"""``python -m zenml``: the ``zenml`` command, for environments whose scripts directory is not on ``PATH``.

``import zenml`` never imports this module.
"""

if __name__ == "__main__":
    from zenml.cli.main import main

    main()
