# sessions
