# rules: i rifiuti delle regole del nucleo, per codice (ipt_domain::rule::FieldError). Ogni
# pagina e il testo inglese dell'API formulano un rifiuto da qui: un messaggio per lingua.
rule-date-in-future = La data non può essere nel futuro. Questa data è successiva a oggi ({ $today }): registra ciò che è già avvenuto.
rule-course-not-started = Questo percorso non è ancora iniziato (è ancora in invio). Avvia il percorso prima di registrare le sedute.
rule-course-closed = Questo percorso è concluso: non vi si possono aggiungere nuove sedute. Le correzioni alle sedute registrate restano possibili.
rule-before-course-start = Questa data è precedente all'inizio del percorso ({ $started }). Se il percorso è iniziato prima altrove, correggi prima la sua data di inizio.
rule-patient-has-open-course = Questo paziente ha già un percorso aperto, iniziato il { $started }. Concludilo o chiudilo prima di avviarne un altro.
rule-end-not-after-agreement = L'ultima seduta deve venire dopo il giorno in cui è stato concordato il contratto ({ $agreed }).
rule-special-not-in-format = Una seduta di tipo "{ $kind }" non fa parte del formato di questo percorso; scegli uno dei tipi di seduta del formato, o nessuno.
rule-phase-not-in-format = Il formato di questo percorso non ha la fase "{ $phase }"; scegli una delle sue fasi.
rule-not-a-clinician = Solo i clinici hanno un supervisore.
rule-not-a-supervisor = Scegli un account con il ruolo di supervisore.
rule-supervisor-inactive = L'account di questo supervisore è disattivato; scegline uno attivo.
rule-no-such-user = Questo account non esiste.
rule-username-invalid = Un nome utente ha da 2 a 40 caratteri: lettere, cifre, punto, trattino o trattino basso.
rule-username-taken = Esiste già un utente di nome '{ $username }'.
rule-password-too-short = La password deve avere almeno { $min } caratteri.
rule-password-has-username = La password non deve contenere il nome utente.
rule-password-guessable = Questa password è troppo facile da indovinare: è in un elenco di password comuni o trapelate, oppure è fatta di ripetizioni o sequenze, di una riga della tastiera, di una data o di parole comuni. Una frase di quattro o più parole senza legame tra loro è robusta e facile da ricordare.
rule-second-factor-wrong = Questo codice non è corretto, oppure è già stato usato. Scrivi le sei cifre che l'app di autenticazione mostra ora, oppure uno dei tuoi codici di recupero.
rule-second-factor-already-on = L'accesso in due passaggi è già attivo per questo account. Disattivalo prima di configurarlo su un altro telefono.
rule-second-factor-required = Questo servizio richiede l'accesso in due passaggi per ogni account del personale, quindi non si può disattivare. Per spostarlo su un nuovo telefono, chiedi a un amministratore di azzerarlo.
rule-unknown-role = '{ $role }' non è un ruolo; scegli amministratore, clinico o supervisore.
rule-required = Questo campo è obbligatorio.
rule-date-invalid = Scrivi la data come AAAA-MM-GG, per esempio 1984-07-21.
rule-not-one-of = '{ $value }' non è tra le scelte offerte qui. Scegli una delle opzioni elencate.
rule-number-out-of-range = Inserisci un numero intero da { $min } a { $max }.
rule-number-out-of-range--hours = Indica un numero intero di ore da { $min } a { $max }.
rule-required--comment = Scrivi il commento prima di inviarlo.
rule-alert-note-required = Per chiudere l'allerta, descrivi l'azione intrapresa (per esempio: valutazione della sicurezza fatta al telefono, piano di crisi concordato), in almeno { $min } caratteri.
rule-alert-already-acknowledged = Questa allerta è già stata presa in carico.
rule-invitation-not-open = Questo invito non è più aperto, quindi non c'è nulla da revocare.
rule-assignment-stopped = Questo questionario era già stato interrotto.
rule-goal-not-open = Questo obiettivo non si può più valutare.
rule-not-in-course = In questo percorso non c'è una seduta con questo identificativo.
rule-session-number-taken = La seduta { $n } è già registrata per questo percorso.
rule-phase-override-needs-reason = Indica il motivo del cambio di fase.
rule-next-date-not-after = La prossima seduta deve venire dopo questa. Questa seduta è del { $date }.
rule-techniques-without-attendance = Tecniche e strategie si possono registrare solo per una seduta che ha avuto luogo. Togli le spunte oppure cambia la presenza.
rule-version-missing = Il modulo non indicava quale versione del dato modifica. Ricarica la pagina e rifai la modifica.
rule-too-long = Mantieni questo testo entro { $max } caratteri.
rule-control-character = Questo testo contiene un carattere di controllo invisibile (carattere { $position }: un NUL, un escape o un a capo in un campo di una sola riga) che non si può salvare. Scrivilo di nuovo, oppure incollalo come testo semplice.
rule-required--alias = Dai alla persona un nome o un soprannome.
rule-required--ring = Scegli dove si trova la persona nel cerchio.
rule-approx-date-invalid = Scrivi la data come AAAA, AAAA-MM o AAAA-MM-GG, per esempio 2019, 2019-03 o 2019-03-14.
rule-not-in-inventory = Scegli una persona dell'inventario interpersonale di questo percorso, o nessuna.
rule-end-before-onset = La fine viene prima dell'esordio. L'episodio è iniziato nel { $onset }.
rule-account-inactive = L'account '{ $username }' è disattivato: un token per esso non funzionerebbe.

## Initial-phase forms: indication, diagnosis, focus, formulation, contract, assessments.
rule-contract-does-not-fit = { $sessions } sedute con questa frequenza non stanno prima di questa data: contando dall'inizio del percorso, l'ultima potrebbe cadere al più presto il { $earliest }. Scelga una fine più tarda, meno sedute o sedute più frequenti.
rule-acute-not-weekly = L'IPT della fase acuta prevede sedute settimanali, e questo contratto concorda un ritmo più lento. Lo mantenga se c'è un motivo, come la disponibilità del paziente, e annoti quel motivo nella cartella.
rule-focus-none = Scelga almeno un'area di intervento.
rule-focus-duplicate = Scelga due aree diverse, o una sola.
rule-focus-too-many = La IPT lavora su una o due aree di intervento.
rule-focus-change-needs-reason = Il percorso ha superato la fase iniziale: indica perché cambia il focus. Il paziente dovrà accettare di nuovo la formulazione.
rule-session-phase-ahead = Questo percorso è ancora nella fase { $phase ->
        [initial] iniziale
        [middle] intermedia
        [termination] conclusiva
       *[other] di mantenimento
    }, quindi una seduta non può appartenere a una fase successiva. Fai prima avanzare il percorso, oppure lascia la seduta nella sua fase.
rule-dispute-needs-stage = Un conflitto di ruolo richiede il suo stadio: rinegoziazione, stallo o dissoluzione.
rule-stage-only-for-disputes = Solo un conflitto di ruolo ha uno stadio: lasci vuoto o scelga un conflitto di ruolo.
rule-number-out-of-range--sessions = Per questo formato, concordi da { $min } a { $max } sedute, come numero intero.
rule-required--statement = Scriva la diagnosi a parole.
rule-required--severity = Scelga una delle opzioni.

## (kept apart)

## Assessments: questionnaires entered by a clinician or answered in the portal.
rule-answer-invalid = Indica la risposta all'item con un numero intero, oppure lasciala senza risposta.
rule-answer-not-on-scale = Scegli uno dei valori ammessi ({ $allowed }) per l'item { $item }.
rule-answer-count = Dai una risposta per ogni item, nell'ordine degli item: attese { $expected }, ricevute { $given }.
rule-alternatives-both = Gli item { $first } e { $second } sono valutazioni alternative: rispondi a uno solo dei due.
rule-nothing-answered = Rispondi almeno a un item prima di salvare.
rule-final-needs-a-valid-result = Queste risposte non danno un risultato valido (per esempio, troppi item sono senza risposta). Si possono conservare solo come bozza finché gli item mancanti non hanno risposta.
rule-assessment-final = Questo questionario è definitivo: è un documento registrato e non si può modificare. Inseriscine uno nuovo.
rule-not-one-of--instrument = '{ $value }' non è un questionario di questo catalogo. Scegline uno dall'elenco.
rule-date-invalid--administered-at = Scrivi la data come AAAA-MM-GG (per esempio 2026-03-14), oppure l'ora come 2026-03-14T10:30:00Z.

## (kept apart)

## Ending, patient and course forms: termination review, relapse plan, maintenance decision,
## patients, courses.
rule-review-empty = Scrivi almeno una parte della revisione: i progressi, i sentimenti sulla conclusione, o il piano se il trattamento non ha aiutato abbastanza.
rule-maintenance-not-decided = Registra la decisione per l'IPT di mantenimento prima di avviare un percorso di mantenimento.
rule-medication-not-current = La scheda non indica { $medicine } come farmaco in corso: registralo prima come iniziato o già assunto.
rule-medication-already-current = La scheda indica già { $medicine } come farmaco in corso: registra invece una modifica della dose o una sospensione.
rule-medication-change-out-of-order = L'ultima modifica di questo farmaco è del { $date }: una modifica non può avere una data precedente.
rule-required--coping-steps = Scrivi almeno una cosa che il paziente può fare da solo: il piano ne ha bisogno.
rule-required--medicine = Indica il farmaco.
rule-required--kind = Scegli che cosa è cambiato per il farmaco.
rule-required--dose = Indica la nuova dose.
rule-required--warning-signs = Scrivi i primi segnali di allarme: il piano ne ha bisogno.
rule-required--seek-help = Scrivi quando e dove chiedere aiuto: il piano ne ha bisogno.
rule-required--choice = Scegli un'opzione.
rule-id-invalid = '{ $value }' non è l'identificativo di un record.
rule-no-such-clinician = Scegli un clinico per il paziente: questo account non è di un clinico né di un supervisore.
rule-required--end-detail = Quando il motivo è "altro", indica brevemente quale.
rule-required--end-reason = Scegli perché il percorso si è concluso in anticipo.
rule-number-out-of-range--progress = Scegli un numero da { $min } a { $max }.
rule-required--progress = Scegli un numero da 0 a 10.
rule-cursor-invalid = Questa non è una pagina di questo elenco: ricomincia dalla sua prima pagina.
