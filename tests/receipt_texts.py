"""Whole French receipts as OCR reads them (noise included), for tests/test_parse_receipt.py."""

HYPERMARKET = """\
 .:;'~ ,. ':
E.LECLERC
HYPERMARCHE VILLENEUVE
CENTRE COMMERCIAL LES ARCADES
93160 NOISY-LE-GRAND
Tel. 01 43 04 55 66
SIRET 732 829 320 00074
BIENVENUE
========================================
LAIT DEMI ECREME 1L          0,95 A
LAIT DEMI ECREME 1L          0,95 A
PAIN DE MIE HARRYS           2,35 A
BANANES CAT1
 0,850 kg x 1,99 EUR/kg       1,69 A
COCA COLA 1,5L
   3 x 1,79                   5,37 B
KERASTASE BAIN SATIN 250ML  24,50 B
REMISE IMMEDIATE            -2,00
----------------------------------------
SOUS-TOTAL                  33,81
TOTAL A PAYER               33,81
CB                          33,81
RENDU                        0,00
----------------------------------------
TVA   TAUX     HT     TVA     TTC
A     5,50%   5,63   0,31    5,94
B    20,00%  23,22   4,65   27,87
NB ARTICLES : 7
0006 002 000027 26/01/2017 08:21:05
MERCI DE VOTRE VISITE
"""

CITY_SUPERMARKET = """\
MONOPRIX
Bienvenue chez Monoprix
52 AVENUE DES CHAMPS ELYSEES
75008 PARIS
Tél : 01 53 77 65 65
Ticket: 4521         Caisse 07
21.11.2026 14.32
SHAMPOOING ELSEVE 250ML     4,99 € B
EAU EVIAN 6X1,5L            3,20 € A
CHOCOLAT NOIR 70%           2,15 € A
TOTAL EUR                  10,34 €
CARTE BANCAIRE             10,34 EUR
SANS CONTACT
Dont TVA 20% 0,83
Dont TVA 5,5% 0,28
A BIENTOT
"""

DISCOUNTER = """\
 ==== LIDL ====
LIDL
8 Rue du Général Leclerc
69100 Villeurbanne
Beurre doux 250g          2,19 A
Yaourts nature x8         1,45 A
Lessive liquide           5,99 B
2 x Chips nature 0,89     1,78 A
Promo lessive            -1,00 B
-------------------------------
A PAYER                  10,41
ESPECES                  20,00
RENDU                     9,59
TVA%   TVA     HT      TTC
A 5,5   0,28   5,14    5,42
B 20    0,83   4,16    4,99
SIRET 343 262 622 01233
21.11.26 18:05  4381 007 0815 2213
Vielen Dank - Merci
"""

FAST_FOOD = """\
   McDonald's
BIENVENUE CHEZ McDONALD'S
CC PARLY 2 AVENUE CHARLES DE GAULLE
78150 LE CHESNAY
SIRET 408 232 890 00066
COMMANDE SUR PLACE
1 MENU BEST OF BIG MAC      9,50
1 PTIT WRAP RANCH           2,50
2 SUNDAE CARAMEL            5,40
TOTAL TTC                  17,40
TITRE RESTAURANT           17,40
TVA 10,00%                  1,58
TRANSACTION 28412
21/11/2026 12:41:17
MERCI DE VOTRE VISITE
"""

DIY = """\
LEROY MERLIN
LEROY MERLIN IVRY
ZAC DU PLATEAU 4 RUE ROUGET DE LISLE
94200 IVRY SUR SEINE
SIRET 384 560 942 00017
FACTURE N° F2026-00123
Client : M. MARTIN Paul
Date : 21/11/2026  Heure : 10:05
PEINTURE BLANC MAT 2,5L
QTE 2 PU 24,90               49,80
VIS AGGLO 4X40 BOITE 200      6,90
RUBAN MASQUE 50M              3,45
------------------------------------
MONTANT TTC                  60,15
CHEQUE                       60,15
TOTAL HT 50,13  TVA 20% 10,02
"""

BEAUTY_SHOP = """\
NOCIBE
Parfumerie Nocibé
Centre Commercial Rosny 2
93110 ROSNY SOUS BOIS
KERASTASE ELIXIR ULTIME 100ML   49,90
KERASTASE BAIN SATIN 250ML      24,50
2 X VERNIS ROUGE 6,50            13,00
TOTAL                           87,40
BON FIDELITE                   -10,00
CB EMV                          77,40
Ticket n° 0815-0042
Le 21 NOV 2026 à 16:48
Carte fidélité valable jusqu'au 31/12/2027
"""

SALON_ONE = """\
EMMA COIFFURE
Salon de coiffure mixte
3 place du Marché
35000 Rennes
Tél. 02 99 11 22 33
Cliente : Mme DUPONT Marie
Coiffeuse : Julie
Shampooing Coupe Brushing    45,00
Fusio Dose                   15,00
Kérastase Bain Satin 250ml   24,50
Total TTC                    84,50 €
CB                           84,50 €
Le 21/11/2026 à 14h32
N° 0042-123456
Prochain RDV le 19/12/2026 à 10h00
SIRET 812 345 678 00019
"""

SALON_TWO = """\
L'ATELIER DE JULIE
Coiffure & Beauté
12 bis cours Napoléon
20000 Ajaccio
Facture N° 2026-1187
Nom : Julie Martin
21 novembre 2026 10:05
Coupe Femme Cheveux Longs        42,00
Soin Fusio Dose                  18,00
Total                            60,00
Espèces                          60,00
TVA 20%                          10,00
Merci et à bientôt
"""

SALON_THREE = """\
MONACO HAIR STUDIO
7 boulevard des Moulins
98000 MONACO
Ticket 2026/0456
2026-11-21 18:45
Désignation         Qté   P.U.   Montant
Coupe femme           1   38,00   38,00
Masque Kerastase      2   12,50   25,00
TOTAL TTC                         63,00 €
Règlement : Carte Bleue           63,00 €
Taux   HT      TVA     TTC
20,0%  52,50   10,50   63,00
"""

CARD_SLIP = """\
CARTE BANCAIRE
SANS CONTACT
A0000000421010
CB
LE 21/11/26 A 14:32:05
CARREFOUR CITY
75011 PARIS
12345678
123456 002 003
############4521
DEBIT
MONTANT= 24,50 EUR
TICKET CLIENT
A CONSERVER
"""

DUPLICATA = """\
***** DUPLICATA *****
FRANPRIX
27 rue de Rivoli
75004 Paris
TICKET N° 000123
Mag 1234 Caisse 3
PAIN AU CHOCOLAT X3     3,60
CAFE MOULU 250G         4,25
TOTAL                   7,85
ESPECES                10,00
RENDU                   2,15
21/11/2026 07:58
"""

CARD_BLOCK_BELOW = """\
INTERMARCHE SUPER
ROUTE DE NANTES
44300 NANTES
BIENVENUE
JAMBON BLANC X4           3,49
EMMENTAL RAPE 200G        2,15
SHAMPOOING DOP 400ML      2,99
PACK EAU CRISTALINE       1,99
LESSIVE PERSIL           11,48
SOUS TOTAL               22,10
TOTAL                    22,10
CARTE BANCAIRE           22,10
NB ARTICLES  5
0012 003 004411 21/11/2026 17:12
-------------------------------
CARTE BANCAIRE
CB SANS CONTACT
A0000000421010
LE 21/11/26 A 17:12:40
INTERMARCHE NANTES
MONTANT= 22,10 EUR
DEBIT
TICKET CLIENT
A CONSERVER
"""

NOISY_OCR = """\
'- _. ;:.
CARREF0UR CITY
l2 rue 0berkampf
75O11 PARIS
SIRET 45l 321 335 00135
TlCKET 0O1234
JUS D'ORANGE 1L          2,4O
BRIOCHE TRANCHEE         l,99
T0TAL A PAYER            4,396
CB                       4,39
2l/11/2O26 l9:O5
"""
