from nounkit.cli import main

raise SystemExit(main())
