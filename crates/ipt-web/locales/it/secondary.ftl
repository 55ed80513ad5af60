# Il pannello degli esiti secondari (#21): supporto percepito, solitudine, assertività e il
# cerchio delle relazioni, inizio contro ultima misura. Testo nostro.
secondary-title = Supporto, isolamento e assertività
secondary-intro = Oltre ai sintomi, l'IPT lavora sulle relazioni del paziente: il supporto che sente, quanto si sente solo e quanto facilmente dice ciò di cui ha bisogno. Ogni riga confronta la prima misura con l'ultima.
secondary-none = Ancora nessun questionario su supporto o solitudine. Somministri MSPSS e UCLA-3 all'inizio e alla fine e indichi per ogni persona dell'inventario quanto è facile per il paziente dirle ciò di cui ha bisogno; il cerchio delle relazioni viene salvato all'inizio della fase centrale.
secondary-note = Qui il cambiamento è mostrato, non spiegato: un punteggio migliore accompagna il trattamento, non prova che ne sia l'effetto. I conteggi del cerchio e la valutazione dell'espressione di sé sono misure del percorso di questo programma, senza regola di affidabilità; ne legga il cambiamento insieme a ciò che dice il paziente.
secondary-col-outcome = Esito
secondary-col-measure = Misurato con
secondary-col-start = Inizio
secondary-col-latest = Ultima
secondary-col-change = Cambiamento
secondary-col-reading = Come leggerlo
secondary-outcome-social_support = Supporto percepito
secondary-outcome-loneliness = Solitudine
secondary-outcome-assertiveness = Assertività (questionario)
secondary-outcome-self_expression = Assertività nelle relazioni
secondary-outcome-network = Isolamento
secondary-measure-total = { $name } totale ({ $min }–{ $max })
secondary-measure-subscale = { $name }: { $subscale } (media degli item, 1–7)
secondary-subscale-significant_other = persona significativa
secondary-subscale-family = famiglia
secondary-subscale-friends = amici
secondary-measure-in-circle = Persone nel cerchio delle relazioni
secondary-measure-inner = Persone nel cerchio più interno
secondary-measure-confidant = Qualcuno con cui confidarsi
secondary-measure-self-expression-index = Indice di espressione di sé (media 0–4)
secondary-measure-relationship = { $name }: quanto è facile dire ciò di cui ha bisogno
secondary-score-on = { $total } il { $date }
secondary-one-score = Per ora un solo punteggio
secondary-no-change = nessun cambiamento
secondary-at-end = alla fine, { $date }
secondary-now = ora
secondary-not-rated = non valutato
secondary-confidant-gained = ora ha qualcuno con cui confidarsi
secondary-confidant-lost = non ha più qualcuno con cui confidarsi
secondary-self-expression-change = { $change }, su { $pairs } valutate in entrambi i momenti
secondary-relationships = { $n ->
    [one] una relazione
   *[other] { $n } relazioni
}
secondary-read-social_support = Più alto significa più supporto percepito.
secondary-read-loneliness = Più basso significa meno solitudine.
secondary-read-assertiveness = Più alto significa più assertivo; non esistono soglie pubblicate, quindi si mostrano solo il punteggio e il suo cambiamento.
secondary-read-no-rule = { $direction } Per questo questionario non c'è una regola di cambiamento affidabile, quindi il cambiamento non viene giudicato.
secondary-read-subscale = La media degli item della sottoscala; mostrata come è cambiata, senza giudizio.
secondary-read-network = Un conteggio dal cerchio delle relazioni (solo persone in vita), misura del percorso di questo programma.
secondary-read-self-expression = La valutazione del paziente, da 0 molto difficile a 4 facile; una misura del percorso di questo programma, non una scala validata.
course-secondary-due-start = { $instrument } va somministrato all'inizio del percorso, per gli esiti secondari (supporto, isolamento).
course-secondary-due-end = { $instrument } va somministrato di nuovo nella fase conclusiva, per il confronto con l'inizio.
course-secondary-due-action = Lo inserisca nella pagina Misure, o chieda al paziente di compilarlo nel portale.
# I campi generali dell'inventario (riferimento §3.2), inizio e fine.
globals-title = Schemi nelle relazioni
globals-link = Schemi nelle relazioni: all'inizio e alla fine
globals-intro = Ciò che vale per le relazioni del paziente nel loro insieme, non per una sola persona, con parole sue. Lo registri durante la fase iniziale e di nuovo alla fine, così da poterli leggere affiancati. Lasci vuoti tutti i campi e salvi per cancellare un momento.
globals-at-start = All'inizio
globals-at-end = Alla fine
globals-save = Salva
globals-notice-saved = Gli schemi nelle relazioni sono stati salvati.
globals-field-relational_patterns = Attaccamento e schemi relazionali
globals-field-relational_patterns-hint = Come il paziente tende ad avvicinarsi, a dipendere dagli altri o a tenere le distanze; che cosa si ripete da una relazione all'altra.
globals-field-self_assertion = Farsi valere, affrontare, esprimere la rabbia
globals-field-self_assertion-hint = Se il paziente riesce a dire ciò di cui ha bisogno, a dire di no, a non essere d'accordo o a mostrare rabbia, e con chi è più difficile.
globals-field-social_risk_taking = Capacità di rischiare nelle relazioni
globals-field-social_risk_taking-hint = Cercare le persone, provare nuovi contatti, tollerare il rischio di un rifiuto.
globals-field-relationship_history = Relazioni dall'infanzia (in breve)
globals-field-relationship_history-hint = Poche righe: le relazioni importanti negli anni e come sono andate.
globals-field-recorded_on = Registrato il
