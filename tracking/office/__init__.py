"""The officials' pages under /office/ and their forms, and the supervision report (督查通报)."""
