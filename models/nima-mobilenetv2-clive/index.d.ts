export declare const id: "nima-mobilenetv2-clive";
export declare const cardUrl: URL;
export declare const modelUrl: URL;
export declare const modelFp16Url: URL;
