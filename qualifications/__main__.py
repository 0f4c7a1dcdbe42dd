from qualifications.cli import main

main()
