from sparring.cli import console

console()
