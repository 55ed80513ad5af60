# Documenti PDF: il riepilogo del percorso (lettera di dimissione) e "il mio piano" del paziente.

reports-download-title = Documenti
reports-download-summary = Riepilogo del percorso (PDF)
reports-download-plan = "Il mio piano" per il paziente (PDF)
reports-download-hint = Ogni documento è scritto nella lingua del paziente; ogni scaricamento resta registrato nel registro degli accessi.

reports-page-of = Pagina { $n } di { $total }
reports-prepared-on = Preparato il { $date }.
reports-none = —

## Riepilogo del percorso

reports-summary-title = Riepilogo del percorso
reports-summary-confidential = Informazioni sanitarie riservate sulla persona indicata in alto. Da condividere solo con chi partecipa alla sua cura.
reports-summary-note = Il programma che ha prodotto questo riepilogo è un supporto al giudizio clinico; non formula diagnosi.
reports-summary-course = Il percorso
reports-summary-patient = Paziente
reports-summary-dob = Data di nascita
reports-summary-format = Formato
reports-summary-status = Stato
reports-summary-clinician = Terapeuta
reports-summary-started = Inizio
reports-summary-ended = Fine
reports-summary-in-progress = ancora in corso
reports-summary-sessions = Sedute
reports-summary-attended = svolte { $n } su { $total } previste
reports-summary-diagnosis = Diagnosi registrata all'inizio
reports-summary-focus = Aree di intervento
reports-summary-focus-none = Non è stata scelta nessuna area di intervento.
reports-summary-stage = fase: { $stage }
reports-summary-scores = Punteggi dall'inizio alla fine
reports-summary-scores-so-far = Punteggi dall'inizio all'ultimo rilevato
reports-summary-scores-none = Durante il percorso non è stato compilato nessun questionario.
reports-summary-scores-note = Risposta, remissione e cambiamento affidabile seguono le soglie pubblicate per ciascun questionario. Descrivono l'andamento dei punteggi; non sono una diagnosi.
reports-col-instrument = Questionario
reports-col-baseline = Inizio
reports-col-end = Fine
reports-col-latest = Ultimo
reports-col-count = Punteggi
reports-col-change = Cambiamento
reports-summary-not-patient = Questo dice che il trattamento non ha aiutato abbastanza; non dice nulla contro l'impegno del paziente.
reports-summary-alternatives = Opzioni da valutare: un farmaco con chi lo prescrive, un'altra psicoterapia, le due cose insieme oppure un servizio più specialistico.
reports-summary-goals = Obiettivi
reports-summary-gains = Progressi rivisti alla fine
reports-summary-gains-none = Non è stata scritta una revisione dei progressi.
reports-summary-relapse = Piano di prevenzione delle ricadute
reports-summary-relapse-none = Non è stato scritto un piano di prevenzione delle ricadute.
reports-summary-maintenance = Raccomandazione sul mantenimento
reports-summary-maintenance-none = Non è stata registrata una decisione su come proseguire dopo il percorso.

reports-chart-caption = { $instrument } durante il percorso
reports-chart-desc = { $instrument }: { $count } punteggi, da { $first } il { $first_date } a { $last } il { $last_date }.
reports-chart-desc-one = { $instrument }: un punteggio, { $first } il { $first_date }.
reports-chart-axis = Totale { $instrument }
reports-chart-baseline = Inizio ({ $total })
reports-chart-reliable = Nessun cambiamento affidabile rispetto all'inizio (± { $points })
reports-chart-session = S
reports-chart-events = Eventi di vita
reports-chart-empty = Ancora nessun punteggio.

reports-col-area = Area
reports-col-goal = Obiettivo
reports-col-progress = Progresso
reports-col-status = Stato
reports-goals-none = Non sono stati fissati obiettivi.
reports-progress = { $n } su 10
reports-progress-none = non valutato

## Il mio piano (rivolto al paziente)

reports-plan-title = Il mio piano
reports-plan-confidential = Personale e riservato.
reports-plan-note = Se dovessi sentire di non riuscire a tenerti al sicuro, chiama subito il numero di emergenza o vai al pronto soccorso più vicino.
reports-plan-intro = Questo è il piano che abbiamo costruito insieme nelle nostre sedute. Tienilo a portata di mano e portalo con te: possiamo cambiarlo insieme quando vuoi.
reports-plan-formulation = Come comprendiamo quello che sta succedendo
reports-plan-formulation-none = Non lo abbiamo ancora messo per iscritto insieme.
reports-plan-focus = Su che cosa stiamo lavorando
reports-plan-focus-none = Non abbiamo ancora scelto su che cosa lavorare.
reports-plan-area-grief = Fare i conti con la morte di una persona importante per te: ricordarla com'era, nel bene e nelle difficoltà, e trovare il modo di andare avanti con le persone che ti stanno vicino.
reports-plan-area-role_dispute = Un disaccordo con una persona vicina: capire che cosa si aspetta ciascuno di voi e trovare il modo di parlarne e cambiare le cose, oppure decidere che cosa fare se non possono cambiare.
reports-plan-area-role_transition = Un cambiamento nella tua vita: congedarti da com'erano le cose, conoscere la nuova situazione e costruire le capacità e il sostegno di cui ha bisogno.
reports-plan-area-interpersonal_deficits = Sentire la solitudine o trovare difficili le relazioni: costruire passo dopo passo rapporti più stretti e provare nuovi modi di stare con gli altri, nelle sedute e tra una seduta e l'altra.
reports-plan-goals = I miei obiettivi
reports-plan-actions = Che cosa abbiamo deciso di provare
reports-plan-actions-from = Concordato nella seduta del { $date }:
reports-plan-actions-none = Ancora niente di scritto.
reports-plan-relapse = Stare bene nel tempo
reports-plan-relapse-none = Questa parte non l'abbiamo ancora scritta; lo faremo insieme prima della fine delle sedute.
reports-plan-warning_signs = Segnali che le cose potrebbero farsi più difficili
reports-plan-triggers = Situazioni a cui fare attenzione
reports-plan-coping = Che cosa mi aiuta
reports-plan-supports = Persone a cui posso rivolgermi
reports-plan-seek_help = Quando e dove chiedere aiuto
reports-plan-upcoming = Che cosa viene dopo
reports-plan-upcoming-none = Al momento non sono previste altre sedute.
reports-plan-next = Prossima seduta
reports-plan-sessions = Sedute finora
reports-plan-sessions-held = { $n } su { $total } previste
reports-plan-frequency = Ogni quanto ci vediamo
reports-plan-end = Sedute previste fino al

reports-unknown-language = Questo documento può essere scritto in queste lingue: { $languages }.
