# Segnali del carico di pazienti: che cosa chiede l'attenzione del clinico, perché, e dove agire.

caseload-col-signals = Segnali
caseload-filter-signals = Con segnali
signals-none = nessuno

signal-open-alerts = Allerta di rischio aperta
signal-open-alerts-why = { $n ->
    [one] Un'allerta di rischio attende di essere presa in carico.
   *[other] { $n } allerte di rischio attendono di essere prese in carico.
}
signal-open-alerts-act = Esamina le allerte

signal-reliable-deterioration = Peggioramento attendibile
signal-reliable-deterioration-why = { $instrument } è passato da { $baseline } all'inizio a { $latest } il { $date }: un peggioramento più ampio dell'errore di misura.
signal-reliable-deterioration-why-points = { $instrument } è passato da { $baseline } all'inizio a { $latest } il { $date }; una variazione di { $points } punti o più è considerata attendibile.
signal-reliable-deterioration-act = Esamina le misure

signal-not-on-track = Miglioramento insufficiente
signal-not-on-track-why = { $instrument } è migliorato del { $percent } % dall'inizio ({ $baseline } → { $latest }) con { $attended } sedute svolte su { $planned }; come segno di miglioramento precoce si considera di solito il { $threshold } % a metà percorso.
signal-not-on-track-why-none = { $instrument } non è migliorato dall'inizio ({ $baseline } → { $latest }) con { $attended } sedute svolte su { $planned }; come segno di miglioramento precoce si considera di solito il { $threshold } % a metà percorso.
signal-not-on-track-act = Esamina l'andamento

signal-measures-overdue = Misure in ritardo
signal-measures-overdue-baseline = Il trattamento è iniziato e non è stata registrata una misura iniziale con { $instrument }.
signal-measures-overdue-repeat = { $instrument } è stato somministrato l'ultima volta il { $date } e va ripetuto ogni { $every } sedute; sedute svolte da allora: { $since }.
signal-measures-overdue-every-session = { $instrument } è stato somministrato l'ultima volta il { $date } e va ripetuto a ogni seduta; sedute svolte da allora: { $since }.
signal-measures-overdue-end = Il percorso sta terminando e manca la misura di fine trattamento con { $instrument }.
signal-measures-overdue-act = Registra una misura

signal-missed-sessions = Sedute mancate
signal-missed-sessions-why = { $n } sedute consecutive mancate senza preavviso, l'ultima il { $date }.
signal-missed-sessions-act = Vedi le sedute

signal-contract-overrunning = Contratto superato
signal-contract-overrunning-sessions = { $attended } sedute svolte, { $contracted } previste dal contratto.
signal-contract-overrunning-date = La data di fine del contratto era il { $date }.
signal-contract-overrunning-act = Rivedi il contratto

signal-ending-discussion-due = Conclusione da affrontare
signal-ending-discussion-due-sessions = { $attended } sedute svolte su { $planned } previste, ne restano { $left }.
signal-ending-discussion-due-date = Il contratto termina il { $date }, entro quattro settimane.
signal-ending-discussion-due-why = Della conclusione si parla da due a quattro sedute prima: affrontala con il paziente, e chiedi come vive la fine del percorso.
signal-ending-discussion-due-act = Prepara la conclusione
