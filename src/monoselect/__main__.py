from monoselect.cli import main

main()
