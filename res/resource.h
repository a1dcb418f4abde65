/* Resource identifiers shared by res/eventsweep.rc and the Win32 shell. */
#ifndef RESOURCE_H
#define RESOURCE_H

#define ES_VERSION_MAJOR 0
#define ES_VERSION_MINOR 1
#define ES_VERSION_PATCH 0
#define ES_VERSION_STR   "0.1.0"

#define IDI_APP             1
#define IDD_MAIN            100
#define IDD_ADD             101
#define IDD_LIMITS          102
#define IDD_VIEW            103
#define IDD_CHANNELS        104

#define IDC_SERVERS_LABEL   1001
#define IDC_SERVERS         1002
#define IDC_ADD             1003
#define IDC_REMOVE          1004
#define IDC_IMPORT          1005
#define IDC_LOG_LABEL       1006
#define IDC_LOG             1007
#define IDC_HOURS_LABEL     1008
#define IDC_HOURS           1009
#define IDC_HOURS_SPIN      1010
#define IDC_HOURS_UNIT      1011
#define IDC_START           1012
#define IDC_STOP            1013
#define IDC_EXPORT          1014
#define IDC_RESULTS         1015
#define IDC_STATUS          1016
#define IDC_ADD_TEXT        1020
#define IDC_ADD_HINT        1021
#define IDC_LIMITS          1017
#define IDC_RETRY           1018
#define IDC_CONNECT         1019
#define IDC_FOLLOW          1022
#define IDC_REPORT          1023
#define IDC_SINCE_LAST      1024
#define IDC_LOG_BROWSE      1036
#define IDC_CHAN_HINT       1037
#define IDC_CHAN_LIST       1038
/* the Connect as... menu */
#define IDM_AS_NEGOTIATE    1401
#define IDM_AS_KERBEROS     1402
#define IDM_AS_NTLM         1403
#define IDM_AS_SELF         1404
#define IDC_LIM_TIMEOUT     1030
#define IDC_LIM_MAXSEC      1031
#define IDC_LIM_MEMORY      1032
#define IDC_LIM_THREADS     1033
#define IDC_LIM_MEMORY_HINT 1034
#define IDC_LIM_ENGINE      1035

#define IDC_FIND_LABEL      1300
#define IDC_FIND            1301
#define IDC_VIEW_COUNT      1302
/* the Custom view dialog (src/win/viewdlg.c) */
#define IDC_VIEW_HINT       1310
#define IDC_VIEW_TEXT       1311
#define IDC_VIEW_CLEAR      1312
/* The filter row (src/win/filterbar.c): 1200-1249. The level boxes are consecutive, in the order
 * of es_filter's names (Critical .. Verbose, Audit Success, Audit Failure). */
#define IDC_FLT_CRITICAL    1200
#define IDC_FLT_ERROR       1201
#define IDC_FLT_WARNING     1202
#define IDC_FLT_INFORMATION 1203
#define IDC_FLT_VERBOSE     1204
#define IDC_FLT_AUDIT_OK    1205
#define IDC_FLT_AUDIT_FAIL  1206
#define IDC_FLT_IDS_LABEL   1207
#define IDC_FLT_IDS         1208
#define IDC_FLT_PROV_LABEL  1209
#define IDC_FLT_PROV        1210
#define IDC_FLT_SUMMARY     1211
#define IDC_FLT_LEVELS_LABEL 1212
#define IDC_FLT_VIEW        1213

#define IDA_MAIN            200

/* the details pane (src/win/details.c): 1250-1299 */
#define IDC_DETAILS_TAB     1250
#define IDC_DETAILS_GENERAL 1251
#define IDC_DETAILS_XML     1252
#define IDT_DETAILS         1253    /* its timer */
#define IDC_DETAILS_SPLIT   1254    /* the splitter above it */
/* the fleet picture (src/win/fleet.c, fleetsum.c): 1260-1279 */
#define IDC_FLEET_SUMMARY   1260    /* the Summary page */
#define IDC_FLEET_TIMELINE  1261    /* the Timeline page */
#define IDC_SUM_LIST        1262
#define IDC_SUM_RULE_LABEL  1263
#define IDC_SUM_SERVERS     1264
#define IDC_SUM_SERVERS_SPIN 1265
#define IDC_SUM_WITHIN      1266
#define IDC_SUM_MINUTES     1267
#define IDC_SUM_MINUTES_SPIN 1268
#define IDC_SUM_MINUTES_LABEL 1269
#define IDC_SUM_INFO        1270
#define IDC_TIMELINE        1271
#define IDC_TL_INFO         1272
#define IDT_FLEET           1273    /* its timer */
#define IDC_PICK_CLEAR      1274    /* Show all rows, beside the count label */

#endif
