from pavedroad.entry import main

raise SystemExit(main())
