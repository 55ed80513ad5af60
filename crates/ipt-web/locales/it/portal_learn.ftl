# Pagine per saperne di più nel portale del paziente, scritte da noi con parole semplici.
# Ogni pagina: un titolo, un riassunto di una riga e paragrafi numerati (portal/learn.rs dice quanti).
portal-learn-title = Per saperne di più
portal-learn-intro = Brevi pagine sulla depressione e su questa terapia. Ognuna si legge in pochi minuti. Non sostituiscono il parlarne con il tuo terapeuta.
portal-learn-talk = Se qualcosa qui ti fa venire una domanda, portala alla prossima seduta.
portal-learn-more = Altre pagine
portal-learn-all = Tutte le pagine

portal-learn-depression-title = La depressione: frequente e curabile
portal-learn-depression-summary = La depressione è una malattia, non una debolezza, e la maggior parte delle persone migliora con le cure.
portal-learn-depression-p1 = La depressione è più che sentirsi tristi per qualche giorno. È una malattia che dura almeno due settimane e cambia il modo in cui ti senti, pensi e vivi. Puoi sentirti giù o vuoto per gran parte del tempo, o perdere interesse per le cose che ti piacevano. Spesso cambiano il sonno, l'appetito e l'energia. Può essere difficile concentrarsi o prendere decisioni. Alcune persone si sentono in colpa o senza valore, e alcune pensano alla morte.
portal-learn-depression-p2 = La depressione è frequente. Molte persone la attraversano in qualche momento della vita, qualunque sia la loro età, il lavoro o la provenienza. Non è colpa tua, e non è un segno di debolezza o di cattivo carattere. Come altre malattie, ha delle cause: ciò che succede nella nostra vita e nelle nostre relazioni, il nostro corpo e lo stress che portiamo.
portal-learn-depression-p3 = La depressione si può curare. Le terapie basate sul parlare, come questa, aiutano molte persone, e lo stesso vale per i farmaci; a volte si usano insieme. Di solito per stare meglio servono alcune settimane, e raramente è una linea dritta: lungo la strada possono alternarsi giorni buoni e giorni difficili.
portal-learn-depression-p4 = Se ti capita di pensare che potresti farti del male, o che la vita non valga la pena, non aspettare la prossima seduta. Dillo al tuo terapeuta, e usa il collegamento "Hai bisogno di aiuto adesso?" in fondo a ogni pagina per trovare aiuto subito.

portal-learn-sick-role-title = Stare male per un periodo: il "ruolo di malato"
portal-learn-sick-role-summary = Mentre stai male è giusto fare di meno, e il tuo compito è partecipare alla cura.
portal-learn-sick-role-p1 = Quando qualcuno si rompe una gamba, nessuno si aspetta che corra per prendere l'autobus. Anche la depressione è una malattia, anche se gli altri non la vedono. In questa terapia lo chiamiamo "ruolo di malato": per un periodo sei una persona che sta male e che si sta curando.
portal-learn-sick-role-p2 = Il ruolo di malato ti dà un permesso. È giusto fare meno del solito mentre stai male, e lasciare andare alcuni compiti per un po'. Essere più lenti, più stanchi o meno capaci di affrontare le cose fa parte della malattia, non è pigrizia. Tu e il tuo terapeuta potete decidere insieme che cosa mettere da parte per ora, e a chi può essere utile dirlo.
portal-learn-sick-role-p3 = Il ruolo di malato ti chiede anche qualcosa: partecipare alla cura. Vuol dire venire alle sedute, provare tra una seduta e l'altra le cose che avete concordato, e dire con sincerità al tuo terapeuta come vanno le cose, anche quando qualcosa non aiuta.
portal-learn-sick-role-p4 = Il ruolo di malato è temporaneo. Man mano che ti senti meglio, riprenderai a poco a poco le cose che avevi messo da parte, con i tuoi tempi. Non è un'etichetta che ti resta addosso. È un modo per darti lo spazio per guarire.

portal-learn-ipt-title = Che cos'è l'IPT, e le sue tre fasi
portal-learn-ipt-summary = Una breve terapia basata sul parlare, che guarda a come il tuo umore e le tue relazioni si influenzano a vicenda.
portal-learn-ipt-p1 = IPT è la sigla inglese di psicoterapia interpersonale. "Interpersonale" vuol dire tra le persone. L'IPT parte da qualcosa che quasi tutti sappiamo: come ci sentiamo è legato a ciò che succede con le persone della nostra vita, e viceversa. Quando le relazioni sono difficili, spesso l'umore cala; quando l'umore è basso, le relazioni diventano più difficili.
portal-learn-ipt-p2 = L'IPT è breve e ha una fine chiara. All'inizio tu e il tuo terapeuta concordate insieme il numero di sedute, ogni quanto vi vedete e la data dell'ultima seduta. Ha tre fasi.
portal-learn-ipt-p3 = Nella prima fase, le prime sedute, tu e il tuo terapeuta parlate della tua depressione e delle persone importanti della tua vita. Guardate quando è iniziata la depressione e che cosa succedeva in quel periodo. Insieme scegliete uno o due temi su cui concentrarvi, e li mettete in parole come un piano condiviso.
portal-learn-ipt-p4 = Nella fase centrale lavorate su quei temi. Parlate di che cosa è successo durante la settimana, di come ti sei sentito e di che cosa potresti provare. Tra una seduta e l'altra provi piccoli cambiamenti nelle tue relazioni, e poi ne parlate insieme.
portal-learn-ipt-p5 = Nell'ultima fase guardate indietro a ciò che è cambiato e a ciò che hai imparato. Parlate di come ci si sente a concludere, e preparate un piano per riconoscere i primi segnali e sapere che cosa fare se l'umore basso dovesse tornare.

portal-learn-grief-title = Il lutto: dopo la morte di una persona cara
portal-learn-grief-summary = Quando la morte di una persona vicina è legata alla depressione, l'IPT aiuta a vivere il lutto e a ritrovare sostegno.
portal-learn-grief-p1 = Il lutto è il dolore naturale che proviamo quando muore una persona che amiamo. La maggior parte delle persone trova piano piano un modo per vivere con la perdita, anche se la persona continua a mancare. A volte però il lutto si blocca. Molto tempo dopo la morte il dolore può essere ancora vivo come il primo giorno, oppure può sembrare assente, come se la perdita fosse stata messa da parte. Allora può arrivare la depressione.
portal-learn-grief-p2 = Nell'IPT parli della persona che è morta: com'era, i momenti belli e quelli difficili, e che cosa è successo prima, durante e dopo la morte. I sentimenti contrastanti sono frequenti. Rabbia, senso di colpa o perfino sollievo possono stare accanto all'amore e alla tristezza, e tutti si possono dire ad alta voce nelle sedute.
portal-learn-grief-p3 = A poco a poco, lo scopo è lasciare spazio al lutto e poi tornare a rivolgersi alla vita: riprendere i contatti con le persone, ritrovare vecchi interessi o scoprirne di nuovi. Non vuol dire dimenticare. Molte persone mantengono un legame con chi hanno perso mentre ricostruiscono le loro giornate.
portal-learn-grief-p4 = Il lutto non ha un calendario fisso. Il tuo terapeuta andrà a un ritmo che sia sopportabile per te.

portal-learn-role-disputes-title = Disaccordi con una persona importante
portal-learn-role-disputes-summary = Quando un conflitto con una persona vicina è legato alla depressione, l'IPT aiuta a guardarlo e a provare nuove strade.
portal-learn-role-disputes-p1 = A volte la depressione va insieme a un conflitto con una persona che conta per te: il partner, un genitore, un figlio, un amico o un collega. Spesso vi aspettate cose diverse l'uno dall'altra. Le stesse discussioni possono tornare ancora e ancora, oppure avete smesso del tutto di parlarne.
portal-learn-role-disputes-p2 = Nell'IPT guardi da vicino il disaccordo. Che cosa vuole ciascuno di voi? Che cosa avete già provato? Come vanno di solito le vostre conversazioni, quasi parola per parola? Potresti notare degli schemi che compaiono anche in altre relazioni.
portal-learn-role-disputes-p3 = Poi tu e il tuo terapeuta guardate le possibilità e vi esercitate. Può voler dire dire più chiaramente ciò di cui hai bisogno, ascoltare in un modo diverso, o provare prima in seduta una conversazione difficile. Sei tu a decidere che cosa vuoi cambiare; il tuo terapeuta non prende le parti di nessuno e non ti spinge verso un risultato particolare.
portal-learn-role-disputes-p4 = A volte una relazione si può ricucire, e a volte diventa chiaro che non può continuare com'era. In entrambi i casi, capire il disaccordo e trovare la tua strada spesso alleggerisce la depressione.

portal-learn-role-transitions-title = Un grande cambiamento nella vita
portal-learn-role-transitions-summary = Quando un cambiamento, come un trasloco, un nuovo lavoro, la perdita del lavoro o la nascita di un figlio, è legato alla depressione, l'IPT aiuta ad adattarsi.
portal-learn-role-transitions-p1 = I cambiamenti della vita possono scuoterci: iniziare o perdere un lavoro, andare in pensione, cambiare casa, diventare genitori, una separazione, una malattia, o cominciare a prendersi cura di qualcuno. Anche un cambiamento che gli altri vedono come positivo può essere vissuto come una perdita. Quando la depressione inizia attorno a un cambiamento come questo, l'IPT guarda proprio al cambiamento.
portal-learn-role-transitions-p2 = Nelle sedute guardi con sincerità la situazione di prima e quella nuova. Che cosa hai perso? Che cosa era difficile anche prima? Che cosa ti chiede la nuova situazione, e che cosa potrebbe offrirti? È frequente sentirsi tristi, arrabbiati o spaventati per ciò che è finito.
portal-learn-role-transitions-p3 = Passo dopo passo, lo scopo è lasciare andare ciò che non c'è più e sentirsi più a proprio agio nella nuova situazione. Può voler dire imparare nuove capacità, trovare persone che ti sostengano in questa nuova parte della vita, e accorgerti delle piccole cose che già riesci a fare.
portal-learn-role-transitions-p4 = Molte persone scoprono che, quando fanno spazio ai sentimenti legati al cambiamento, iniziano a vedere possibilità che all'inizio non vedevano.

portal-learn-isolation-title = Sentirsi soli, o trovare difficili le relazioni
portal-learn-isolation-summary = Quando la depressione va insieme alla solitudine, o alla fatica di creare e mantenere relazioni, l'IPT aiuta a costruire legami.
portal-learn-isolation-p1 = Per alcune persone la depressione non è iniziata con un singolo evento. Si sentono sole da molto tempo, hanno poche persone a cui rivolgersi, o fanno fatica a farsi degli amici o a mantenere le relazioni. Questa parte dell'IPT è pensata per loro. Solitudine e umore basso si alimentano a vicenda: più ti senti giù, più è difficile cercare gli altri.
portal-learn-isolation-p2 = Nelle sedute tu e il tuo terapeuta guardate le tue relazioni, passate e presenti: che cosa è andato bene, che cosa è andato male, e se alcuni schemi si ripetono. Può aiutare anche la relazione con il tuo terapeuta, come un luogo sicuro dove notare come ti senti con un'altra persona e provare nuovi modi di parlare.
portal-learn-isolation-p3 = Insieme fissate piccoli passi realistici: mandare un messaggio, accettare un invito, entrare in un gruppo, o rimettersi in contatto con qualcuno. Vi esercitate in seduta, lo provi durante la settimana, e poi ne parlate.
portal-learn-isolation-p4 = Qui il cambiamento spesso arriva piano, e va bene così. Ogni piccolo legame conta.

# Il secondo paragrafo della pagina sull'IPT, per il percorso del paziente (portal/learn.rs, course_length).
portal-learn-ipt-p2-course = L'IPT è breve e ha una fine chiara. { $format } { $length } { $phases }
portal-learn-ipt-agreed = Tu e il tuo terapeuta avete concordato { $sessions } sedute, con frequenza { $frequency }; l'ultima è prevista per il { $end }.
portal-learn-ipt-to-agree = All'inizio tu e il tuo terapeuta concordate insieme il numero di sedute e la data dell'ultima. Per questo tipo di IPT di solito sono { $usual }.
portal-learn-usual-range = da { $min } a { $max } sedute, con frequenza { $frequency }
portal-learn-usual-one = { $n } sedute, con frequenza { $frequency }
portal-learn-usual-months = sedute con frequenza { $frequency } per un periodo da { $min } a { $max } mesi
portal-learn-ipt-phases = Ha tre fasi.
portal-learn-ipt-phases-maintenance = Le fasi qui sotto descrivono la terapia che di solito viene prima delle sedute di mantenimento; nel mantenimento continui con ciò che ti ha aiutato e fai attenzione ai primi segnali.
portal-learn-format-individual = La tua terapia è l'IPT individuale: incontri il tuo terapeuta da solo.
portal-learn-format-brief = La tua terapia è l'IPT breve: un percorso più corto di sedute con il tuo terapeuta.
portal-learn-format-adolescent = La tua terapia è l'IPT per ragazze e ragazzi: un genitore o chi si prende cura di te può partecipare ad alcune sedute.
portal-learn-format-perinatal_postpartum = La tua terapia è l'IPT per i mesi dopo la nascita di un bambino.
portal-learn-format-perinatal_antenatal = La tua terapia è l'IPT per il periodo della gravidanza.
portal-learn-format-older_adult = La tua terapia è l'IPT per persone anziane: una persona a te vicina può partecipare ad alcune sedute, se lo desideri.
portal-learn-format-telephone = La tua terapia è l'IPT per telefono: le sedute sono telefonate.
portal-learn-format-group = La tua terapia è l'IPT di gruppo: dopo un primo incontro da solo, ti incontri con un piccolo gruppo e con chi lo conduce.
portal-learn-format-maintenance = La tua terapia è l'IPT di mantenimento: sedute più distanziate, dopo un primo percorso di terapia.
