from annogov.cli import main

raise SystemExit(main())
