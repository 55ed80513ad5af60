# Portale del paziente: come si entra (invito, codice del portale e frase segreta, modalità
# chiosco), la pagina di aiuto con i contatti per le emergenze, e la pagina del portale per il
# clinico. Parole nostre, semplici e gentili.

## Invito e codice del portale
portal-access-invitation-title = Prepara il tuo spazio IPT
portal-access-invitation-intro = Il tuo terapeuta ti ha invitato nel tuo spazio personale, dove tra una seduta e l'altra puoi compilare questionari e tenere un diario dell'umore. Per prima cosa scegli una frase segreta che conosci solo tu.
portal-access-invitation-expires = Questo link funziona fino al { $date }, e una sola volta.
portal-access-invitation-private = Non condividere questo link. Se qualcun altro potrebbe averlo visto, chiedi un nuovo link al tuo terapeuta.
portal-access-invitation-unusable-title = Questo link non funziona
portal-access-invitation-unusable = Questo link non si può usare. Forse è scaduto, è stato sostituito da un link più recente o è già stato usato. Chiedi un nuovo link al tuo terapeuta. Se hai già preparato il tuo spazio, entra con il codice del portale e la tua frase segreta.
portal-access-passphrase-new = Scegli una frase segreta
portal-access-passphrase-confirm = Scrivi di nuovo la stessa frase segreta
portal-access-passphrase-hint = Almeno { $n } caratteri. Funzionano bene alcune parole comuni che ricordi facilmente, per esempio tre parole separate da spazi.
portal-access-passphrase-save = Salva la mia frase segreta
portal-access-passphrase-too-short = La frase segreta è troppo corta. Usa almeno { $n } caratteri, per esempio tre parole comuni.
portal-access-passphrase-too-long = La frase segreta è troppo lunga. Usa al massimo { $n } caratteri.
portal-access-passphrase-too-simple = La frase segreta ripete sempre le stesse poche lettere. Prova con alcune parole comuni diverse.
portal-access-passphrase-differ = Le due frasi segrete non sono uguali. Scrivile di nuovo.
portal-access-fix-below = C'è qualcosa da correggere. Leggi il messaggio qui sotto.
portal-access-code-title = Il tuo codice del portale
portal-access-code-intro = La tua frase segreta è salvata. Questo è il tuo codice del portale. Ogni volta che torni ti servono questo codice e la tua frase segreta.
portal-access-code-keep-title = Conserva il codice con cura
portal-access-code-keep-write = Scrivi subito il codice su un foglio e tienilo in un posto riservato.
portal-access-code-keep-once = Ti mostriamo il codice solo questa volta. Nemmeno il tuo terapeuta può vederlo.
portal-access-code-keep-lost = Se lo perdi, chiedi al tuo terapeuta un nuovo link di invito.
portal-access-code-continue = Vai al mio spazio

## Entrare e uscire
portal-access-sign-in-title = Entra nel tuo spazio IPT
portal-access-sign-in-intro = Scrivi il tuo codice del portale e la tua frase segreta.
portal-access-code = Codice del portale
portal-access-code-hint = Dieci lettere e numeri, per esempio 7KX4M-P2QRT.
portal-access-passphrase = Frase segreta
portal-access-sign-in = Entra
portal-access-sign-in-failed = Il codice del portale o la frase segreta non sono giusti. Controllali e riprova.
portal-access-sign-in-lost = Hai perso il codice o la frase segreta? Chiedi al tuo terapeuta un nuovo link di invito.
portal-access-signed-out = Sei uscito dal tuo spazio.
portal-access-expired = Sei stato fatto uscire perché per un po' non è successo nulla. Per favore entra di nuovo.
portal-access-throttled-title = Aspetta un momento
portal-access-throttled = Ci sono stati troppi tentativi. Per proteggere il tuo spazio, aspetta { $minutes } minuti e riprova.
portal-access-busy = In questo momento si stanno verificando molti accessi. Riprova tra qualche secondo.

## Modalità chiosco
portal-access-kiosk-title = Restituisci il dispositivo
portal-access-kiosk-intro = Questo dispositivo appartiene all'ambulatorio. Il tuo clinico scriverà qui la sua password per riprenderlo.
portal-access-kiosk-password = Password del clinico
portal-access-kiosk-submit = Riprendi il dispositivo
portal-access-kiosk-failed = La password non è giusta. Il dispositivo resta nello spazio del paziente.
portal-access-kiosk-stay = Torna ai questionari

## Pagine che dicono che qualcosa non va
portal-access-not-found-title = Pagina non trovata
portal-access-not-found = Qui non c'è nulla. La pagina potrebbe essere stata spostata, oppure l'indirizzo non è giusto.
portal-access-trouble-title = Qualcosa non ha funzionato
portal-access-unavailable = In questo momento lo spazio non è raggiungibile. Riprova tra qualche minuto.
portal-access-internal = Qualcosa non ha funzionato da parte nostra. Riprova più tardi. Ciò che hai già salvato non è andato perso.
portal-access-back-home = Torna al mio spazio
portal-access-go-sign-in = Vai alla pagina per entrare

## Aiuto e contatti per le emergenze
portal-help-title = Aiuto subito
portal-crisis-default-heading = Se sei in pericolo adesso
portal-crisis-default-emergency = Se pensi che potresti farti del male, o se adesso non sei al sicuro, chiama subito il numero di emergenza (in Europa, il 112) o vai al pronto soccorso più vicino.
portal-crisis-default-not-alone = Se puoi, chiedi a una persona di cui ti fidi di restare con te.
portal-crisis-tell-clinician = Appena puoi, dillo anche al tuo terapeuta o all'ambulatorio.
portal-crisis-more = Altre informazioni su dove trovare aiuto
portal-help-not-urgent-title = Se non è un'emergenza
portal-help-not-urgent = Parlane con il tuo terapeuta alla prossima seduta, oppure contatta l'ambulatorio negli orari di apertura.
portal-help-not-watched = Nessuno controlla questo spazio giorno e notte. Ciò che scrivi o rispondi qui potrebbe non essere letto subito.

## La pagina del portale per il clinico
portal-clinician-intro = Invita il paziente nel suo portale, scegli i questionari da compilare lì, oppure affidagli un dispositivo dell'ambulatorio in modalità chiosco.
portal-clinician-read-only = Puoi vedere questa pagina ma non modificarla.
portal-clinician-access-title = Accesso
portal-clinician-access-set = Il paziente ha attivato il suo accesso al portale il { $date }.
portal-clinician-access-none = Il paziente non ha ancora attivato il suo accesso al portale.
portal-clinician-new-link-title = Nuovo link di invito
portal-clinician-new-link-once = Copia o stampa ora questo link e consegnalo al paziente: viene mostrato solo questa volta. Apre il portale una sola volta; il paziente sceglie poi una frase segreta e riceve il suo codice del portale.
portal-clinician-link-label = Link di invito
portal-clinician-valid-until = Il link funziona fino al { $when }.
portal-clinician-hours = Validità del link (ore)
portal-clinician-hours-hint = Creare un nuovo link non annulla quelli precedenti: revoca un link vecchio se qualcun altro potrebbe averlo visto. Un nuovo link è anche il modo per far rientrare un paziente che ha perso il codice o la frase segreta.
portal-clinician-create-invitation = Crea un link di invito
portal-clinician-invitations-title = Inviti
portal-clinician-invitations-none = Ancora nessun invito.
portal-clinician-created = Creato
portal-clinician-expires = Scade
portal-clinician-state = Stato
portal-clinician-actions = Azioni
portal-clinician-revoke = Revoca
portal-clinician-invitation-open = Aperto
portal-clinician-invitation-accepted = Usato dal paziente
portal-clinician-invitation-revoked = Revocato
portal-clinician-invitation-expired = Scaduto
portal-clinician-when = { $date } alle { $time } (UTC)
portal-clinician-questionnaires-title = Questionari nel portale
portal-clinician-questionnaires-about = Il paziente li trova nel suo portale quando sono da compilare. Le risposte arrivano nelle misure del percorso; una risposta positiva a un item di rischio fa scattare subito un avviso.
portal-clinician-assignments-none = Ancora nessun questionario assegnato.
portal-clinician-questionnaire = Questionario
portal-clinician-schedule = Frequenza
portal-clinician-schedule-once = Una volta
portal-clinician-schedule-before_each_session = Prima di ogni seduta
portal-clinician-schedule-weekly = Ogni settimana
portal-clinician-schedule-missing = Scegli con quale frequenza proporre il questionario.
portal-clinician-assigned-on = Assegnato il
portal-clinician-active = Attivo
portal-clinician-not-delivered = Non consegnato.
portal-clinician-undeliverable = Al paziente non viene proposto questo questionario: { $reason }
portal-clinician-stopped-on = Interrotto il { $date }
portal-clinician-stop = Interrompi
portal-clinician-stop-conflict = Qualcuno ha modificato questa assegnazione nel frattempo. La pagina mostra ora lo stato aggiornato; interrompila di nuovo se vuoi ancora farlo.
portal-clinician-assign = Assegna
portal-clinician-nothing-offerable = Al momento nessun questionario può essere proposto nella lingua del paziente (il motivo è indicato qui sotto).
portal-clinician-not-offered-title = Questionari che non si possono proporre a questo paziente, e perché
portal-clinician-unknown-instrument = Scegli un questionario dall'elenco.
portal-clinician-not-questionnaire = { $name } si valuta durante le sedute e non si invia come questionario.
portal-clinician-clinician-only = { $name } è valutato dal clinico con un colloquio e non viene mai proposto ai pazienti.
portal-clinician-no-text = Per { $name } non è installato il testo in { $language }: la licenza non ci permette di distribuirlo, quindi il servizio deve installare un pacchetto di testi che ha licenza di usare ({ $file }). Puoi comunque inserire tu i punteggi degli item.
portal-clinician-already-assigned = { $name } è già assegnato in questo percorso. Interrompilo prima di cambiarne la frequenza.
portal-clinician-done-revoked = L'invito è stato revocato: il suo link non funziona più.
portal-clinician-done-assigned = Il questionario è stato assegnato.
portal-clinician-done-stopped = Il questionario è stato interrotto e non viene più proposto.
portal-clinician-kiosk-title = Modalità chiosco
portal-clinician-kiosk-about = Affida questo dispositivo al paziente perché compili i questionari in ambulatorio. Mentre lo usa, su questo dispositivo la tua sessione è chiusa; per riprenderlo scegli «Restituisci il dispositivo al tuo clinico» e scrivi la tua password.
portal-clinician-kiosk-start = Avvia la modalità chiosco
portal-clinician-formulation-wording = Con le parole del paziente
portal-clinician-formulation-wording-hint = Mostrato al paziente nel suo portale al posto del testo qui sopra. Scrivilo insieme a lui o a lei, con le sue parole. Lascialo vuoto per mostrare il testo qui sopra.
