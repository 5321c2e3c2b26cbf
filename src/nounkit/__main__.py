from nounkit.cli import entry

entry()
