export declare const id: "wadiqam-nr-clive";
export declare const cardUrl: URL;
export declare const modelUrl: URL;
