from issuer.cli import main

main()
