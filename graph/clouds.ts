/** Hosts of Microsoft's public cloud, the defaults for where the bot signs in and which Graph it calls. */
export const PUBLIC_CLOUD_AUTHORITY = 'https://login.microsoftonline.com';
export const PUBLIC_CLOUD_GRAPH = 'https://graph.microsoft.com';
