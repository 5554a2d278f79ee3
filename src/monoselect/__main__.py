from monoselect.cli import main

if __name__ == "__main__":  # compare spawns worker processes that re-import this module
    main()
