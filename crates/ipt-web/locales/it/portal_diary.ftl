# Il diario dell'umore nel portale del paziente, e la vista del clinico. Parole nostre, semplici.
portal-diary-title = Diario dell'umore
portal-diary-intro = Ogni giorno annota com'era il tuo umore e con chi hai passato del tempo. Nel giro di qualche settimana questo può mostrare come il tuo umore e le persone della tua vita vanno insieme. Anche il tuo terapeuta può vedere il diario.
portal-diary-no-course = Il diario si apre quando il tuo terapeuta ha iniziato qui la tua terapia.
portal-diary-closed = La tua terapia qui è terminata, quindi il diario non si può più modificare. Puoi comunque rileggerlo.
portal-diary-today = Oggi, { $date }
portal-diary-day = { $date }
portal-diary-editing-past = Stai modificando un giorno passato.
portal-diary-back-to-today = Torna a oggi
portal-diary-mood-legend = Com'era il tuo umore in questo giorno?
portal-diary-mood-hint = Scegli un numero da 0 a 10.
portal-diary-mood-low = 0 = il più basso possibile
portal-diary-mood-high = 10 = il migliore possibile
portal-diary-people-legend = Con chi hai passato del tempo?
portal-diary-people-hint = Spunta ogni persona e indica come è andata. Vale il tempo passato insieme di persona, al telefono o online.
portal-diary-people-none = Ancora nessuno nel tuo elenco. Puoi aggiungere delle persone qui sotto.
portal-diary-how-it-went = Com'è andata con { $person }?
portal-diary-add-legend = Aggiungi un'altra persona
portal-diary-add-hint = Usa un nome o un soprannome. Lascia la riga vuota se non c'è nessuno da aggiungere.
portal-diary-add-name = Nome o soprannome ({ $n })
portal-diary-add-how = Com'è andata? ({ $n })
portal-diary-note = Una nota per te (facoltativa)
portal-diary-note-hint = Qualche parola sulla giornata, se vuoi. Il tuo terapeuta può leggerla.
portal-diary-save = Salva questo giorno
portal-diary-saved = La tua nota del { $date } è salvata.
portal-diary-other-day = Scrivi di un altro giorno
portal-diary-other-day-hint = Puoi compilare o modificare un giorno passato.
portal-diary-open-day = Apri questo giorno
portal-diary-quality-m2 = −2: è andata molto male
portal-diary-quality-m1 = −1: è andata male
portal-diary-quality-0 = 0: né bene né male
portal-diary-quality-p1 = +1: è andata bene
portal-diary-quality-p2 = +2: è andata molto bene
portal-diary-went-m2 = è andata molto male
portal-diary-went-m1 = è andata male
portal-diary-went-0 = né bene né male
portal-diary-went-p1 = è andata bene
portal-diary-went-p2 = è andata molto bene
portal-diary-form-problem = La tua nota non è ancora salvata. Guarda il messaggio qui sotto.
portal-diary-error-mood-missing = Scegli un umore da 0 a 10.
portal-diary-error-mood-range = L'umore deve essere un numero da 0 a 10.
portal-diary-error-quality = Scegli come è andata, da −2 a +2.
portal-diary-error-future = Il { $date } non è ancora arrivato. Puoi scrivere di oggi o di un giorno passato.
portal-diary-error-date = Non riusciamo a leggere questa data. Scegli di nuovo il giorno.
portal-diary-error-note-long = La nota è troppo lunga. Tienila sotto i { $n } caratteri.
portal-diary-error-control-character = Questo testo contiene un carattere di controllo invisibile che non si può salvare. Scrivilo di nuovo, oppure incollalo come testo semplice.
portal-diary-error-too-many = In un giorno puoi indicare al massimo { $n } persone.
portal-diary-error-alias-long = Un nome o soprannome può avere al massimo { $n } caratteri.
portal-diary-error-twice = { $person } compare due volte. Lasciane una sola.
portal-diary-error-alias-empty = Scrivi un nome o un soprannome per la persona.
portal-diary-error-conflict = Questo giorno è stato salvato da un'altra finestra o da un altro dispositivo dopo che lo avevi aperto. Quello che hai scritto è ancora nel modulo. Qui sotto vedi ciò che è salvato ora. Premi di nuovo "Salva questo giorno" per tenere la tua versione.
portal-diary-saved-now = Salvato ora: umore { $mood } su 10
portal-diary-history = Il tuo diario finora
portal-diary-history-none = Nessun giorno scritto per ora. La tua prima nota comparirà qui.
portal-diary-mood-of-ten = Umore { $mood } su 10
portal-diary-no-people = Nessuna persona indicata
portal-diary-change-day = Modifica questo giorno
portal-diary-change-day-label = Modifica il { $date }
portal-diary-chart = Il tuo umore nel tempo
portal-diary-chart-title = Diario dell'umore: umore e persone, giorno per giorno
portal-diary-chart-axis = Umore (0–10)
portal-diary-chart-contacts = Tempo con altre persone
portal-diary-chart-more = altre
portal-diary-chart-empty = Nessun giorno scritto per ora.
portal-diary-chart-alt = Umore in { $days } tra il { $first } e il { $last }: minimo { $low }, massimo { $high }, media { $average }. I segni sopra ogni giorno mostrano con chi hai passato del tempo e come è andata.
portal-diary-chart-alt-one = Umore del { $first }: { $mood } su 10.
portal-diary-days = { $n ->
    [one] 1 giorno
   *[other] { $n } giorni
}
portal-diary-the-days = { $n ->
    [one] l'unico giorno
   *[other] i { $n } giorni
}
portal-diary-chart-table = Mostra il grafico come tabella
portal-diary-col-date = Giorno
portal-diary-col-mood = Umore (0–10)
portal-diary-col-people = Persone e com'è andata
portal-diary-summary = Persone e umore
portal-diary-summary-intro = Per ogni persona, questo confronta il tuo umore medio nei giorni passati con lei e nei giorni senza.
portal-diary-summary-caution = Questo mostra un andamento nel tuo diario, non una causa. Molte cose influiscono sull'umore. Può valere la pena parlarne con il tuo terapeuta.
portal-diary-summary-none = Quando avrai indicato delle persone in qualche giorno, qui vedrai come il tuo umore nei giorni con ognuna di loro si confronta con i giorni senza.
portal-diary-col-person = Persona
portal-diary-col-with = Giorni con lei
portal-diary-col-without = Giorni senza
portal-diary-col-in-words = In parole
portal-diary-average-over = media { $mood } su { $days }
portal-diary-no-days-without = nessun giorno senza
portal-diary-few-days = Troppo pochi giorni per trarne qualcosa, per ora.
portal-diary-sentence = Considerando { $days_with } in cui hai visto { $person }, il tuo umore medio è stato { $mood_with }; considerando { $days_without } senza, è stato { $mood_without }.
portal-diary-sentence-every-day = Hai indicato { $person } in tutti i giorni del diario finora ({ $days }), quindi non ci sono giorni senza con cui confrontare.
# La vista del clinico dello stesso diario, nello spazio di lavoro del percorso.
portal-diary-clin-title = Diario dell'umore
portal-diary-clin-intro = Ciò che il paziente ha scritto nel diario dell'umore sul portale. È un documento suo: è pensato per essere letto insieme a lui o a lei, durante le sedute.
portal-diary-clin-none = Il paziente non ha ancora scritto nel diario.
portal-diary-clin-chart = Umore nel tempo
portal-diary-clin-chart-alt = Umore in { $days } tra il { $first } e il { $last }: minimo { $low }, massimo { $high }, media { $average }. I segni sopra ogni giorno mostrano con chi il paziente ha passato del tempo e come è andata.
portal-diary-clin-history = Note, dalla più recente
portal-diary-clin-summary-intro = Per ogni persona, l'umore medio del paziente nei giorni con lei e nei giorni senza.
portal-diary-clin-summary-caution = Un andamento nelle note del paziente, non una causa: medie aritmetiche di un diario tenuto da lui. Vale la pena esplorarlo con il paziente.
portal-diary-clin-sentence = Considerando { $days_with } con { $person }, l'umore medio del paziente è stato { $mood_with }; considerando { $days_without } senza, è stato { $mood_without }.
portal-diary-clin-sentence-every-day = { $person } compare in tutti i giorni del diario finora ({ $days }), quindi non c'è nulla con cui confrontare.
portal-diary-clin-summary-none = Nel diario non sono ancora state indicate persone.
# La domanda facoltativa sull'espressione di sé per ogni contatto (#21).
portal-diary-speak = Quanto è stato facile dire a { $person } ciò di cui avevi bisogno? (facoltativo)
portal-diary-add-speak = Quanto è stato facile dire ciò di cui avevi bisogno? ({ $n }, facoltativo)
portal-diary-speak-none = senza risposta
portal-diary-error-speak = Scegli quanto è stato facile, da 0 a 4, oppure lascia senza risposta.
portal-diary-speak-summary = Dire a { $person } ciò di cui avevi bisogno: { $first } all'inizio, { $latest } più di recente ({ $answers }).
portal-diary-clin-speak-summary = Dire a { $person } ciò di cui aveva bisogno: { $first } all'inizio, { $latest } più di recente ({ $answers }).
portal-diary-answers = { $n ->
    [one] una risposta
   *[other] { $n } risposte
}
