from yawyas.cli import main

main()
