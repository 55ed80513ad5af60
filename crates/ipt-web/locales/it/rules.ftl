# rules: i rifiuti delle regole del nucleo, per codice (ipt_domain::rule::FieldError).
rule-date-in-future = Questa data è successiva a oggi ({ $today }). Registri ciò che è già avvenuto.
rule-course-not-started = Questo percorso non è ancora iniziato (è ancora in invio). Avvii il percorso prima di registrare le sedute.
rule-course-closed = Questo percorso è concluso: non vi si possono aggiungere nuove sedute. Le correzioni alle sedute registrate restano possibili.
rule-before-course-start = Questa data è precedente all'inizio del percorso ({ $started }). Se il percorso è iniziato prima altrove, corregga prima la sua data di inizio.
rule-patient-has-open-course = Questo paziente ha già un percorso aperto, iniziato il { $started }. Lo concluda o lo chiuda prima di avviarne un altro.
rule-end-not-after-agreement = L'ultima seduta deve venire dopo il giorno in cui è stato concordato il contratto ({ $agreed }).
rule-special-not-in-format = Una seduta di tipo "{ $kind }" non fa parte del formato di questo percorso; scelga uno dei tipi di seduta del formato, o nessuno.
rule-phase-not-in-format = Il formato di questo percorso non ha la fase "{ $phase }"; scelga una delle sue fasi.
rule-not-a-clinician = Solo i clinici hanno un supervisore.
rule-not-a-supervisor = Scelga un account con il ruolo di supervisore.
rule-supervisor-inactive = L'account di questo supervisore è disattivato; ne scelga uno attivo.
rule-no-such-user = Questo account non esiste.
rule-username-invalid = Un nome utente ha da 2 a 40 caratteri: lettere, cifre, punto, trattino o trattino basso.
rule-username-taken = Esiste già un utente di nome '{ $username }'.
rule-password-too-short = La password deve avere almeno { $min } caratteri.
rule-unknown-role = '{ $role }' non è un ruolo; scelga amministratore, clinico o supervisore.
