# Layout
app-name = IPT Workbench
skip-to-content = Vai al contenuto
nav-caseload = Pazienti in carico
nav-new-patient = Registra un paziente
nav-protocols = Formati di trattamento
nav-users = Utenti
nav-sign-out = Esci
nav-signed-in-as = Accesso come { $name } ({ $role })
nav-language = Lingua
footer-decision-support = IPT Workbench sostiene il giudizio clinico. Non formula diagnosi.
action-save = Salva
action-cancel = Annulla
action-open = Apri
action-change-language = Cambia lingua
form-errors-title = Correggi i campi segnalati. Non è stato salvato nulla.
field-required = Questo campo è obbligatorio.
draft-restored = Ripristinato: questo testo era stato digitato prima in questa scheda e non era stato salvato. Non è ancora salvato: va controllato e poi salvato.
draft-discard = Scarta questo testo
not-set = non registrato

# Sign-in
login-title = Accesso
login-username = Nome utente
login-password = Password
login-submit = Accedi
login-failed = Nome utente o password non corretti.
login-throttled = Troppi tentativi non riusciti. Riprova tra { $minutes } minuti.
login-busy = In questo momento si stanno verificando molti accessi. Riprova tra qualche secondo.
login-first-run = Non esiste ancora alcun account. Un amministratore crea il primo sul server con: ipt user add --username NOME --role admin
login-expired = La sessione è scaduta per inattività. Accedi di nuovo.
signed-out = Sei uscito.

# Caseload
caseload-title = Pazienti in carico
caseload-intro = I tuoi pazienti e il punto in cui si trova ciascun percorso.
caseload-empty = Nessun paziente. Registra un paziente per iniziare un percorso.
caseload-filter-phase = Mostra
caseload-filter-all = Tutti i pazienti
caseload-filter-open = Percorsi aperti
caseload-filter-alerts = Con allerte aperte
caseload-sort = Ordina per
caseload-sort-name = Nome
caseload-sort-next = Prossima seduta
caseload-sort-alerts = Allerte aperte
caseload-apply = Applica
caseload-col-patient = Paziente
caseload-col-format = Formato
caseload-col-phase = Fase
caseload-col-session = Seduta
caseload-col-next = Prossima seduta
caseload-col-score = Ultimo punteggio
caseload-col-alerts = Allerte
caseload-session-of = { $n } di { $total }
caseload-no-course = nessun percorso
trend-better = in miglioramento
trend-worse = in peggioramento
trend-same = invariato
trend-first = primo punteggio
alerts-open-count = { $n ->
    [one] { $n } allerta aperta
   *[other] { $n } allerte aperte
}
alerts-none = nessuna

# Patients
patient-new-title = Registra un paziente
patient-name = Nome
patient-name-hint = Usa il nome con cui il paziente si presenta.
patient-dob = Data di nascita
patient-dob-hint = Formato AAAA-MM-GG. Lascia vuoto se non nota.
patient-language = Lingua preferita
patient-register = Registra
patient-registered = Il paziente è registrato.
patient-title = { $name }
patient-born = Nato/a il { $date }
patient-courses = Percorsi
patient-no-courses = Nessun percorso.
patient-start-course = Inizia un percorso
patient-format = Formato
patient-start = Inizia il percorso
patient-started-on-label = Giorno di inizio del percorso
patient-started-on-hint = Oggi per un nuovo percorso. Per un percorso già in corso (per esempio iniziato altrove), il suo vero primo giorno, così da poterne inserire le sedute precedenti.
patient-open-course = Questo paziente ha un percorso aperto ({ $format }, iniziato il { $date }). Non se ne avvia un secondo accanto: concluda o chiuda prima quello.
patient-open-course-link = Vai al percorso aperto
patient-started-on = Iniziato il { $date }
date-invalid = Scrivi la data come AAAA-MM-GG, per esempio 1984-07-21.
date-in-future = La data non può essere nel futuro.

# Risk alerts
alerts-title = Allerte di rischio
alerts-intro = Un'allerta resta aperta finché un clinico non registra l'azione intrapresa.
alerts-open = Allerte aperte
alerts-history = Allerte prese in carico
alerts-none-open = Nessuna allerta aperta.
alert-raised = Segnalata il { $date }
alert-source = Origine
alert-ack-note = Azione intrapresa
alert-ack-note-hint = Per esempio: telefonato al paziente, piano di sicurezza rivisto, équipe di crisi informata.
alert-acknowledge = Prendi in carico
alert-acknowledged-by = Presa in carico da { $name } il { $date }: { $note }
alert-banner = Questo paziente ha un'allerta di rischio aperta. Esaminala prima di tutto.
alert-source-instrument = { $instrument }: risposta positiva all'item di rischio { $items }
alert-source-session = Preoccupazione registrata nella valutazione del rischio di una seduta

# Course overview
course-title = { $format } per { $patient }
course-status = Stato
course-phase-plan = Piano delle fasi
course-sessions = Sedute
course-session-n = Seduta { $n }
course-session-n-of = Seduta { $n } di { $total }
course-planned = prevista
course-ending-due-title = È il momento di parlare della conclusione
course-ending-due-then = Avviata la conclusione, porti il percorso alla fase conclusiva.
course-next-step = Passo successivo
course-move-to = Passa a: { $status }
course-move = Procedi
course-unmet = Prima di passare a { $status }:
course-move-not-allowed = Un percorso non può passare da { $from } a { $to }.
course-moved = Il percorso ora è: { $status }.
course-closed = Questo percorso è chiuso.
course-prompts-title = Indicazioni dai punteggi
course-review-not-on-track = Revisione a metà percorso: il { $instrument } è passato da { $baseline } a { $latest } con { $attended } sedute frequentate su { $planned }, un miglioramento inferiore a quello atteso a metà percorso.
course-review-deteriorated = Revisione a metà percorso: il { $instrument } è passato da { $baseline } a { $latest } con { $attended } sedute frequentate su { $planned }, un peggioramento affidabile.
course-review-action = Valuta l'associazione con un farmaco o un invio ad altri servizi, e registra che cosa decidete con il paziente (riferimento clinico §5.4, risposta non significativa).
course-review-action-group = Valuta con il tuo supervisore un invio a un clinico, che può considerare un farmaco o un altro trattamento, e registra che cosa si decide.
course-suicide-screen = Il { $instrument } non chiede nulla su suicidio o autolesionismo, e in questo percorso non è ancora registrata una valutazione di questi aspetti.
course-suicide-screen-action = Valuta a parte il rischio suicidario: chiedi, poi registralo in una seduta (il compito di valutazione separata o la revisione del rischio), oppure somministra un questionario con un item di rischio come il PHQ-9.
course-no-sessions = Nessuna seduta registrata.
course-contract = Contratto
course-contract-summary = { $sessions } sedute, { $frequency }, fino al { $end }
course-focus = Focus
course-diagnosis = Diagnosi

# Errors
error-not-found-title = Non trovato
error-not-found = Qui non c'è nulla, oppure non hai accesso.
error-conflict = Qualcun altro ha modificato questo dato dopo che lo hai aperto. Non è stato salvato nulla. Il tuo testo è conservato qui sotto; ricarica per vedere le modifiche.
error-internal = Si è verificato un errore da parte nostra. È stato registrato; riprova.
error-unavailable = Il database non risponde. Riprova tra poco.
error-forbidden-admin = Gli amministratori gestiscono gli account e non aprono cartelle cliniche.
back-to-caseload = Torna ai pazienti in carico

# Users (admin)
users-title = Utenti
users-add = Aggiungi un utente
users-username = Nome utente
users-display-name = Nome visualizzato
users-role = Ruolo
users-password = Password iniziale
users-password-hint = Almeno 12 caratteri, diversa dal nome utente e non una password comune: una frase di quattro o più parole senza legame tra loro va bene. Comunicala di persona.
users-added = L'utente è stato aggiunto.
users-col-active = Attivo
users-col-supervisor = Supervisore
users-no-supervisor = Nessun supervisore
users-save-supervisor = Salva
users-supervisor-saved = Il supervisore è stato salvato.
yes = sì
no = no
course-end-reason = Motivo
course-end-detail = Dettagli (necessari per "altro")
end-reason-dropout = Il paziente ha smesso di venire
end-reason-referred_on = Inviato a un altro servizio
end-reason-other = Altro

# Course sections
section-indication = Diagnosi e indicazione
section-measures = Misure
section-inventory = Inventario interpersonale
section-timeline = Linea del tempo
section-suggestions = Aree problematiche
section-formulation = Formulazione
section-contract = Contratto
section-sessions = Sedute
section-goals = Obiettivi
section-diary = Diario dell'umore
section-portal = Portale del paziente
section-termination = Conclusione
section-summary = Riepilogo

# Supervision
supervision-title = Commenti di supervisione
supervision-none = Ancora nessun commento di supervisione.
supervision-add = Aggiungi un commento di supervisione
supervision-hint = Il commento è visibile al clinico curante in questa pagina. Non modifica il percorso.
supervision-submit = Aggiungi il commento
# Two-step sign-in (TOTP) and account security
second-factor-title = Il tuo codice di accesso
second-factor-intro = Il tuo account accede in due passaggi. Apri l'app di autenticazione e scrivi il codice che mostra per IPT Workbench.
second-factor-code = Codice
second-factor-code-hint = Sei cifre, oppure uno dei tuoi codici di recupero se non hai il telefono con te.
second-factor-submit = Continua
second-factor-start-again = Ricomincia con nome utente e password
second-factor-enrol-title = Configura l'accesso in due passaggi
second-factor-enrol-required = Questo servizio chiede a ogni account del personale di accedere in due passaggi. Configuralo ora: ci vuole un minuto.
second-factor-enrol-step-app = Installa sul telefono un'app di autenticazione, se non ne hai una (va bene qualsiasi app per codici a tempo).
second-factor-enrol-step-scan = Nell'app, aggiungi un account e inquadra questo codice.
second-factor-enrol-or-type = Se non riesci a inquadrarlo, scrivi invece questa chiave:
second-factor-enrol-step-code = Scrivi il codice di sei cifre che l'app mostra ora.
second-factor-enrol-submit = Attiva l'accesso in due passaggi
recovery-codes-title = I tuoi codici di recupero
recovery-codes-intro = Se perdi il telefono, ognuno di questi codici ti fa accedere una volta al posto di un codice dell'app. Conservali in un luogo sicuro e riservato, lontano dal telefono: stampali o scrivili.
recovery-codes-once = Sono mostrati solo ora. Puoi crearne di nuovi in qualsiasi momento nella pagina di sicurezza del tuo account; quelli vecchi smettono allora di funzionare.
recovery-codes-done = Li ho conservati: continua
account-security-title = Sicurezza dell'account
account-security-second-factor = Accesso in due passaggi
account-security-on = L'accesso in due passaggi è attivo: dopo la password viene chiesto un codice dell'app di autenticazione.
account-security-off = L'accesso in due passaggi non è attivo: basta la password per aprire il tuo account. Attivarlo protegge le cartelle che gestisci se la password venisse indovinata o rubata.
account-security-turn-on = Attiva l'accesso in due passaggi
account-security-new-codes = Crea nuovi codici di recupero
account-security-off-code = Per disattivarlo, scrivi un codice attuale dell'app
account-security-turn-off = Disattiva l'accesso in due passaggi
account-security-required = Questo servizio richiede l'accesso in due passaggi, quindi qui non si può disattivare. Se cambi telefono, un amministratore può azzerarlo.
account-security-recovery-left = Codici di recupero rimasti: { $n }.
nav-security = Sicurezza
login-challenge-expired = L'accesso ha richiesto troppo tempo. Ricomincia con nome utente e password.
