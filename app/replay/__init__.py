"""Replaying a recorded session in QtWebEngine: the player page, its URL scheme, the network
guard and the Python side of the bridge. The rrweb Replayer does the rebuilding."""
