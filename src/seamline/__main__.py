from seamline.cli import main

raise SystemExit(main())
