# Esiti del programma (supervisori e amministratori).
nav-analytics = Esiti
analytics-title = Esiti del programma
analytics-intro = Come sono cambiati i percorsi di questo programma, misurati con ciascun questionario dal primo risultato del percorso all'ultimo. Sono conteggi su tutti i percorsi: descrivono il servizio, non un singolo paziente.
analytics-empty = Nessun percorso ha ancora due risultati di un questionario di esito.
analytics-caption = Esiti per questionario
analytics-col-instrument = Questionario
analytics-col-courses = Percorsi contati
analytics-col-response = Risposta
analytics-col-remission = Remissione
analytics-col-improved = Miglioramento attendibile
analytics-col-deteriorated = Peggioramento attendibile
analytics-col-rules = Regole usate
analytics-share = { $percent } % ({ $n })
analytics-rules = risposta: una riduzione di almeno il { $response } %; remissione: ultimo totale al massimo { $remission }; cambiamento attendibile: almeno { $rci } punti; i percorsi che iniziano sotto { $baseline } non sono contati
analytics-which-courses = Un percorso è contato per un questionario quando ha un primo risultato pari o superiore alla soglia di partenza e almeno un risultato successivo. I percorsi ancora in corso contano con l'ultimo risultato disponibile.
analytics-not-summarised = Non riassunti qui (nessuna regola di cambiamento in cui un totale più basso è meglio):
analytics-json = Gli stessi dati in JSON
