"""How SIEX writes and reads amounts and dates: the Dutch notation (EUR 1.234,56; 31-03-2026) in
every language of the interface, because that is the notation of the municipality's own documents
and of what an officer types. The English interface translates the words, not the notation.

Django reads these modules through ``FORMAT_MODULE_PATH``; both languages take ``notation``.
"""
