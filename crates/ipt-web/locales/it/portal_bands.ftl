# Ciò che il paziente legge per la fascia di un punteggio, nella pagina del risultato e in "I miei
# progressi": un solo catalogo, parole nostre e semplici, per strumento e fascia. Descrivono le
# risposte, mai che la persona sta bene, mai una diagnosi, mai il nome clinico della fascia.
# Al massimo 24 caratteri.
portal-band-phq9-minimal = pochi problemi
portal-band-phq9-mild = alcuni problemi
portal-band-phq9-moderate = diversi problemi
portal-band-phq9-moderately_severe = molti problemi
portal-band-phq9-severe = moltissimi problemi
portal-band-phqa-minimal = pochi problemi
portal-band-phqa-mild = alcuni problemi
portal-band-phqa-moderate = diversi problemi
portal-band-phqa-moderately_severe = molti problemi
portal-band-phqa-severe = moltissimi problemi
portal-band-phq2-negative = meno di questi problemi
portal-band-phq2-positive = più di questi problemi
portal-band-gad7-minimal = poca preoccupazione
portal-band-gad7-mild = un po' di preoccupazione
portal-band-gad7-moderate = diversa preoccupazione
portal-band-gad7-severe = molta preoccupazione
portal-band-epds-below_threshold = meno difficoltà
portal-band-epds-possible_depression = alcune difficoltà
portal-band-epds-probable_depression = molte difficoltà
portal-band-gds15-normal = poche difficoltà
portal-band-gds15-mild = alcune difficoltà
portal-band-gds15-moderate = diverse difficoltà
portal-band-gds15-severe = molte difficoltà
portal-band-mspss-low = senti poco sostegno
portal-band-mspss-moderate = senti un certo sostegno
portal-band-mspss-high = senti molto sostegno
portal-band-ucla3-not_lonely = solitudine meno spesso
portal-band-ucla3-lonely = solitudine più spesso
portal-band-wsas-subclinical = ostacolano un poco
portal-band-wsas-significant = ostacolano parecchio
portal-band-wsas-moderately_severe = ostacolano moltissimo
portal-band-hamd17-normal = pochi problemi
portal-band-hamd17-mild = alcuni problemi
portal-band-hamd17-moderate = diversi problemi
portal-band-hamd17-severe = molti problemi
portal-band-hamd17-very_severe = moltissimi problemi
