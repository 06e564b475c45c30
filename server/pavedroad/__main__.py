from pavedroad.cli import main

raise SystemExit(main())
