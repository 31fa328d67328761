from trendwatch.cli import main

main()
