// The served page's first script (assets/request.js): starts the request for the figures of the
// selection in the URL. dashboard.ts takes its answer.

import { startEarlyRequest } from './insight-request.ts';
import { insightUrl, selectionFromSearch } from './selection.ts';

startEarlyRequest(insightUrl(selectionFromSearch(location.search)));
