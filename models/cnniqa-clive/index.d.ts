export declare const id: "cnniqa-clive";
export declare const cardUrl: URL;
export declare const modelUrl: URL;
