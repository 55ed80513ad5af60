# L'esportazione per la ricerca (amministratori).

nav-export = Esportazione per la ricerca
export-title = Esportazione per la ricerca (CSV)
export-intro = Scarica tutti i risultati definitivi dei questionari in un unico file CSV, per la valutazione del programma e per la ricerca. Pazienti e percorsi compaiono con pseudonimi; nel file nessuno è identificato per nome.
export-in-title = Che cosa contiene il file
export-in-ids = Uno pseudonimo per ogni paziente e ogni percorso, lo stesso in tutto il file.
export-in-course = Il formato, lo stato e le aree problematiche del percorso, come codici.
export-in-scores = Il questionario, la risposta a ogni item, il totale, la fascia di gravità, se un item di rischio era positivo, e se il risultato era valido o riproporzionato.
export-in-when = Il numero e la fase della seduta a cui apparteneva, e la data di somministrazione.
export-out-title = Che cosa il file non contiene mai
export-out = Nomi, date di nascita, account degli utenti, numeri interni dei record e qualsiasi testo scritto da un clinico: note, formulazioni, piani di prevenzione delle ricadute, diagnosi a parole, motivazioni a parole.
export-how-title = Come sono generati gli pseudonimi
export-pseudonyms = Ogni scaricamento usa una nuova chiave casuale, conservata solo mentre il file viene scritto. Gli pseudonimi cambiano quindi da un file all'altro e due scaricamenti non possono essere collegati: per seguire i pazienti nel tempo, scarica un nuovo file completo.
export-audit = Ogni scaricamento viene registrato nel registro degli accessi, insieme a ogni cartella di paziente letta.
export-date-shift = Sposta le date per paziente
export-date-shift-hint = Sposta tutte le date di un paziente dello stesso numero casuale di giorni (fino a { $days } in avanti o indietro), diverso per ogni paziente. Gli intervalli tra i questionari di un paziente restano esatti.
export-download = Scarica il CSV
export-cli = Lo stesso file si può produrre sul server con:
export-download-relationships = Scarica il CSV delle relazioni
export-relationships-hint = Il file delle relazioni ha una riga per ogni persona di ciascun cerchio delle relazioni salvato (all'inizio della fase centrale e alla fine): tipo di relazione, cerchio, confidente, conflitto, se è deceduta e la valutazione dell'espressione di sé (0–4), con uno pseudonimo per persona così che inizio e fine si possano abbinare. Non contiene nomi.
