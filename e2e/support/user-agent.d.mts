export declare const BROWSER_USER_AGENT: string;
export declare const AS_BROWSER: Readonly<{ 'user-agent': string }>;
