export declare const id: "hosa-clive";
export declare const cardUrl: URL;
export declare const modelUrl: URL;
export declare const svrUrl: URL;
